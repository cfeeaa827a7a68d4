package dev.gatekeeper.bench.revokeall;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The revoke-all figures as a PNG, drawn with the JDK alone (headless Java2D), so the benchmark needs no plotting
 * tool: call time (median, with the rounds' min–max) against active tokens on a log scale, and the target line at
 * 1.5 times the smallest organisation's median.
 */
final class RevokeAllPlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 90;
    private static final int RIGHT = 40;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;
    private static final double TARGET_RATIO = 1.5;

    private RevokeAllPlot() {
    }

    static void write(List<RevokeAllReport.Row> rows, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);

        double target = rows.get(0).median() / 1e6 * TARGET_RATIO;
        double yMax = niceCeiling(Math.max(target, rows.stream().mapToLong(RevokeAllReport.Row::max).max().orElse(1) / 1e6) * 1.15);
        double xMin = Math.log10(Math.max(1, rows.get(0).size()));
        double xMax = Math.log10(rows.get(rows.size() - 1).size());
        if (xMax - xMin < 1) {
            xMax = xMin + 1;
        }
        Axis x = new Axis(xMin - 0.25, xMax + 0.25, LEFT, WIDTH - RIGHT);
        Axis y = new Axis(0, yMax, HEIGHT - BOTTOM, TOP);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(0xDDDDDD));
        for (int i = 0; i <= 5; i++) {
            int py = y.pixel(yMax * i / 5);
            g.drawLine(LEFT, py, WIDTH - RIGHT, py);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
        g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
        for (int i = 0; i <= 5; i++) {
            double value = yMax * i / 5;
            String label = String.format(Locale.ROOT, value < 10 ? "%.1f" : "%.0f", value);
            g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), y.pixel(value) + 5);
        }
        for (RevokeAllReport.Row row : rows) {
            int px = x.pixel(Math.log10(row.size()));
            String label = String.format(Locale.ROOT, "%,d", row.size());
            g.drawLine(px, HEIGHT - BOTTOM, px, HEIGHT - BOTTOM + 5);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 22);
        }
        g.drawString("tokens stored in the organisation (log scale)", WIDTH / 2 - 140, HEIGHT - 20);
        Graphics2D vertical = (Graphics2D) g.create();
        vertical.rotate(-Math.PI / 2);
        vertical.drawString("revoke-all call (ms)", -(HEIGHT / 2 + 60), 25);
        vertical.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Revoke-all: time of the call against the tokens it revokes", LEFT, 30);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(0xC0392B));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0));
        g.drawLine(LEFT, y.pixel(target), WIDTH - RIGHT, y.pixel(target));
        g.drawString(String.format(Locale.ROOT, "target: 1.5 × the %,d-token median = %.2f ms", rows.get(0).size(), target),
                LEFT + 10, y.pixel(target) - 6);

        g.setColor(new Color(0x1F5FA8));
        g.setStroke(new BasicStroke(2f));
        int previousX = -1;
        int previousY = -1;
        for (RevokeAllReport.Row row : rows) {
            int px = x.pixel(Math.log10(row.size()));
            int py = y.pixel(row.median() / 1e6);
            g.drawLine(px, y.pixel(row.min() / 1e6), px, y.pixel(row.max() / 1e6));
            g.drawLine(px - 6, y.pixel(row.min() / 1e6), px + 6, y.pixel(row.min() / 1e6));
            g.drawLine(px - 6, y.pixel(row.max() / 1e6), px + 6, y.pixel(row.max() / 1e6));
            g.fillOval(px - 5, py - 5, 10, 10);
            if (previousX >= 0) {
                g.drawLine(previousX, previousY, px, py);
            }
            g.drawString(String.format(Locale.ROOT, "%.2f ms", row.median() / 1e6), px + 9, py - 8);
            previousX = px;
            previousY = py;
        }
        g.drawString("median of the rounds, bar: min–max", WIDTH - RIGHT - 250, TOP - 10);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** A linear map from data to pixels. */
    private record Axis(double from, double to, int pixelFrom, int pixelTo) {
        int pixel(double value) {
            return (int) Math.round(pixelFrom + (value - from) / (to - from) * (pixelTo - pixelFrom));
        }
    }
}
