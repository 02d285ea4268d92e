package org.opsim.io;

/**
 * Bad input in a file or document: says which file, where in it (a JSON path such as
 * {@code $.engines.matrix.peakFlopsPerSecond.bf16}) and what is wrong.
 * Message form: {@code hardware-profiles/h100-sxm.yaml: $.memory.bandwidthBytesPerSecond.value: must be > 0, got -1}.
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String path;
    private final String problem;

    public InputException(String file, String path, String problem) {
        this(file, path, problem, null);
    }

    public InputException(String file, String path, String problem, Throwable cause) {
        super(file + ": " + path + ": " + problem, cause);
        this.file = file;
        this.path = path;
        this.problem = problem;
    }

    /** The file (or other source label) the input came from. */
    public String file() {
        return file;
    }

    /** JSON path of the offending field, {@code $} for the whole document. */
    public String path() {
        return path;
    }

    /** What is wrong, without file and path. */
    public String problem() {
        return problem;
    }
}
