package io.smtreplay.cli;

import io.smtreplay.calibration.LeastSquaresFit;
import io.smtreplay.profile.ProfileFamily;
import io.smtreplay.validation.ValidationRow;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import static io.smtreplay.cli.ValidateCommand.number;

/** What {@code smtreplay validate} prints: the comparison table and the calibration's residuals, as text or Markdown. */
final class ValidationReport {

    /** The columns of the comparison table, in order (a test reads the table by them). */
    static final List<String> COLUMNS = List.of("id", "role", "paper", "projected", "band", "error", "unit", "source",
            "how / what is missing");

    private final ProfileFamily family;
    private final List<ValidationRow> rows;
    private final LeastSquaresFit.Result calibration;
    private final boolean markdown;

    ValidationReport(ProfileFamily family, List<ValidationRow> rows, LeastSquaresFit.Result calibration,
                     boolean markdown) {
        this.family = family;
        this.rows = rows;
        this.calibration = calibration;
        this.markdown = markdown;
    }

    void print(PrintWriter w) {
        w.printf("%sValidation of profile %s (%s), band over %d profile(s) of its family%n", markdown ? "## " : "",
                family.central().name(), family.central().domain().describe(), family.allProfiles().size());
        w.println();
        row(w, COLUMNS);
        if (markdown) {
            w.println("|" + "---|".repeat(COLUMNS.size()));
        }
        for (ValidationRow r : rows) {
            String unit = r.figure().unit();
            String band = r.projectedSomething() ? number(r.low(), unit) + "-" + number(r.high(), unit) : "-";
            String error = r.projectedSomething() ? String.format(Locale.ROOT, "%+.1f%%", 100 * r.error()) : "-";
            String note = r.missing().isEmpty() ? r.how() : (r.how().isEmpty() ? "" : r.how() + ". ")
                    + "MISSING: " + r.missing();
            row(w, List.of(r.figure().id(), r.figure().role().word(), number(r.figure().value(), unit),
                    number(r.projected(), unit), band, error, unit, r.figure().source() + ": " + r.figure().what(),
                    note));
        }
        w.println();
        w.printf("%sCalibration residuals (central profile, k = 1 L1 trap in Table 1's cpuid): %d equalities, %d free "
                        + "parameters, %d degree(s) of freedom, chi-square %.2f%n", markdown ? "## " : "",
                calibration.equalities(), calibration.freeParameters(), calibration.degreesOfFreedom(),
                calibration.chiSquare());
        w.println();
        List<String> columns = List.of("datum", "bound", "value", "fitted model", "residual (sigma)", "sigma",
                "source");
        row(w, columns);
        if (markdown) {
            w.println("|" + "---|".repeat(columns.size()));
        }
        for (LeastSquaresFit.Residual r : calibration.residuals()) {
            row(w, List.of(r.datum().id(), r.datum().bound().symbol(), fmt(r.datum().value()), fmt(r.predicted()),
                    String.format(Locale.ROOT, "%+.2f", r.sigmas()), fmt(r.datum().sigma()) + " " + r.datum().unit(),
                    r.datum().source()));
        }
        w.println();
        calibration.values().forEach((name, ns) -> w.printf("%sfitted %s: %.0f ns%n", markdown ? "- " : "  ", name, ns));
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    private void row(PrintWriter w, List<String> cells) {
        if (markdown) {
            w.println("| " + String.join(" | ", cells.stream().map(c -> c.replace("|", "/")).toList()) + " |");
        } else {
            w.println(String.join("\t", cells));
        }
    }
}
