package org.opsim.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error for commands that take more than a second or two, drawn only when
 * the terminal is interactive (never into a pipe, a file or a test). A maximum of -1 draws a bar of
 * unknown length that still shows the step in progress and the time elapsed.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(String task, long max, boolean enabled) {
        if (!enabled || System.console() == null) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .continuousUpdate().build());
    }

    /** Starts step {@code what} (the count goes up when the next step starts or the bar closes). */
    void step(String what) {
        if (bar != null) {
            if (bar.getExtraMessage() != null && !bar.getExtraMessage().isEmpty()) {
                bar.step();
            }
            bar.setExtraMessage(what);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            if (bar.getMax() > 0) {
                bar.stepTo(bar.getMax());
            }
            bar.setExtraMessage("done");
            bar.close();
        }
    }
}
