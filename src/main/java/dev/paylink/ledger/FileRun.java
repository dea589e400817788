package dev.paylink.ledger;

/**
 * One processing run of one dropped file.
 *
 * @param id         ledger id of the run
 * @param fileName   the file's name in the inbox
 * @param sha256     content hash: with the name, what makes a pick-up a resume of an unfinished run
 * @param resumed    true when an earlier run of the same file did not finish (crash, paused sending)
 * @param accepted   true when every row was already read, validated and claimed by that earlier run
 * @param completed  true when a run of this very file (same name and content) already finished: the file is
 *                   archived without being read again (a kill between "done" and the move, or the same drop again)
 * @param reportBase the base name this run's reports were written under, once chosen (null before)
 * @param movedTo    where a completed run archived its input (null before completion)
 */
public record FileRun(long id, String fileName, String sha256, boolean resumed, boolean accepted, boolean completed,
                      String reportBase, String movedTo) {

    /** A run that has not finished: new, or resumed. */
    public FileRun(long id, String fileName, String sha256, boolean resumed, boolean accepted) {
        this(id, fileName, sha256, resumed, accepted, false, null, null);
    }
}
