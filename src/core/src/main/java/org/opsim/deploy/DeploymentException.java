package org.opsim.deploy;

/** A deployment that cannot work: degrees that do not fit the system or the model. */
public class DeploymentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DeploymentException(String message) {
        super(message);
    }
}
