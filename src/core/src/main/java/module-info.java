/**
 * opsim's library: what does this model cost on that chip? Exports the API packages only; the cost
 * formulas, the file loaders and the I/O helpers ({@code org.opsim.internal.*}) are not exported
 * (the I/O helpers to the command line alone, for its atomic {@code --out} files).
 */
module org.opsim.core {
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.csv;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires commons.math3;
    requires org.slf4j;

    exports org.opsim;
    exports org.opsim.cost;
    exports org.opsim.deploy;
    exports org.opsim.graph;
    exports org.opsim.hardware;
    exports org.opsim.io;
    exports org.opsim.model;
    exports org.opsim.model.transformer;
    exports org.opsim.report;
    exports org.opsim.serve;
    exports org.opsim.sweep;
    exports org.opsim.validation;

    exports org.opsim.internal.io to org.opsim.cli;

    uses org.opsim.hardware.ProfileProvider;
    uses org.opsim.model.ModelImporter;

    provides org.opsim.hardware.ProfileProvider with org.opsim.internal.load.BundledProfiles;
    provides org.opsim.model.ModelImporter with org.opsim.internal.load.HfConfigImporter,
            org.opsim.internal.load.NativeGraphImporter;
}
