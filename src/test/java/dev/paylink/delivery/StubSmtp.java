package dev.paylink.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A scripted SMTP server on 127.0.0.1 for replies a real test server will not give: it answers every command with
 * 250 (EHLO, MAIL, RCPT, end of DATA) unless {@code replies} names the command (MAIL, RCPT, DATA for the reply after
 * the message, GREETING) with another line such as {@code 550 5.1.1 mailbox unavailable}. With {@code silent} it
 * accepts connections and never says anything (for read timeouts).
 */
final class StubSmtp implements AutoCloseable {

    private final ServerSocket server;
    private final Map<String, String> replies;
    private final boolean silent;
    private final Thread thread;

    StubSmtp(Map<String, String> replies, boolean silent) throws IOException {
        this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.replies = replies;
        this.silent = silent;
        this.thread = new Thread(this::serve, "stub-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                if (silent) {
                    // Hold the connection without a word until the client gives up and closes it.
                    while (s.getInputStream().read() >= 0) {
                        // discard
                    }
                    continue;
                }
                talk(s);
            } catch (IOException e) {
                // closed, or the client went away: next connection
            }
        }
    }

    private void talk(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        say(out, replies.getOrDefault("GREETING", "220 stub ESMTP"));
        String line;
        while ((line = in.readLine()) != null) {
            String cmd = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            switch (cmd) {
                case "EHLO" -> say(out, "250-stub\r\n250 8BITMIME");
                case "HELO", "RSET", "NOOP" -> say(out, "250 ok");
                case "MAIL" -> say(out, replies.getOrDefault("MAIL", "250 ok"));
                case "RCPT" -> say(out, replies.getOrDefault("RCPT", "250 ok"));
                case "DATA" -> {
                    say(out, "354 go ahead");
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // the message is not kept
                    }
                    say(out, replies.getOrDefault("DATA", "250 queued"));
                }
                case "QUIT" -> {
                    say(out, "221 bye");
                    return;
                }
                default -> say(out, "502 not implemented");
            }
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
