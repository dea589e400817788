package dev.paylink.ledger;

/**
 * One processing run of one dropped file.
 *
 * @param id       ledger id of the run
 * @param fileName the file's name in the inbox
 * @param sha256   content hash: with the name, what makes a pick-up a resume of an unfinished run
 * @param resumed  true when an earlier run of the same file did not finish (crash, paused sending)
 * @param accepted true when every row was already read, validated and claimed by that earlier run
 */
public record FileRun(long id, String fileName, String sha256, boolean resumed, boolean accepted) {
}
