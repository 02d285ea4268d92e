/**
 * opsim's command line. Uses the library's exported API, and its I/O helpers for atomic output files.
 */
module org.opsim.cli {
    requires org.opsim.core;
    requires org.opsim.onnx;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    requires java.desktop;
    requires me.tongfei.progressbar;
    requires org.slf4j;
    requires xchart;

    opens org.opsim.cli to info.picocli;
}
