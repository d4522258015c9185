package dev.condensenet.pipeline.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress display on stderr, redrawn at most 5 times a second. */
final class Progress {
    private final PrintStream out;
    private final boolean tty = System.console() != null;
    private long lastDraw;

    Progress(PrintStream out) {
        this.out = out;
    }

    void update(long done, long total, long t0) {
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        draw(line(done, total, t0), false);
    }

    void done(long done, long t0) {
        draw(line(done, -1, t0), true);
    }

    /** Free text (e.g. the demo's counters) in the same redraw-in-place style. */
    void show(String text, boolean last) {
        long now = System.nanoTime();
        if (!last && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        draw(text, last);
    }

    private void draw(String text, boolean last) {
        if (tty) {
            out.print("\r" + text + "\u001b[K" + (last ? "\n" : ""));
        } else if (last) {
            out.println(text); // logs and pipes get the final line only
        }
        out.flush();
    }

    static String line(long done, long total, long t0) {
        double s = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
        String rate = String.format(Locale.ROOT, "%.1f fps", done / s);
        if (total <= 0) {
            return String.format(Locale.ROOT, "sent %d frames, %s", done, rate);
        }
        int width = 30;
        int filled = (int) Math.min(width, done * width / total);
        return String.format(Locale.ROOT, "[%s%s] %d/%d frames, %s", "#".repeat(filled), ".".repeat(width - filled),
                done, total, rate);
    }
}
