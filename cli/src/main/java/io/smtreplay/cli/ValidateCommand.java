package io.smtreplay.cli;

import io.smtreplay.calibration.LeastSquaresFit;
import io.smtreplay.profile.ProfileFamily;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.profile.ProfileException;
import io.smtreplay.trace.Isa;
import io.smtreplay.validation.Validation;
import io.smtreplay.validation.ValidationRow;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code smtreplay validate}: every number of the ISCA'19 paper and the published anchors beside
 * the model's projection, each marked in-sample (used by the calibration) or held-out, with the
 * band over the profile's family and the error; then the calibration's residuals. Exit codes: 0
 * done, 2 a bad profile (or one not of the paper's ISA).
 */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        sortOptions = false,
        description = {
            "Compares the model with every number of ISCA'19 (Table 1, Fig. 6, Fig. 7, the applications) and the "
                    + "published anchors of the fidelity review: projection, band over the profile's family, error, "
                    + "and whether the figure was used to calibrate (in-sample) or not (held-out). Then the "
                    + "calibration's residuals.",
            "Held-out errors are reported, not tuned away; a figure the model cannot reach names what is missing."})
public final class ValidateCommand implements Callable<Integer> {

    @Option(names = "--profile", paramLabel = "P", defaultValue = CostProfiles.DEFAULT,
            description = "a VMX profile of the paper's machine, published name or JSON file (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--markdown", description = "print the tables as Markdown (docs/validation.md is this output)")
    boolean markdown;

    private final PrintStream out;
    private final PrintStream err;

    ValidateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        ProfileFamily family;
        try {
            family = CostProfiles.loadFamily(profile);
        } catch (ProfileException e) {
            err.println("smtreplay validate: " + e.getMessage());
            return CliSupport.USAGE;
        }
        String mismatch = family.central().domain().isaMismatch(family.central().name(), Isa.VMX);
        if (mismatch != null) {
            err.println("smtreplay validate: the paper's machine is VMX: " + mismatch);
            return CliSupport.USAGE;
        }
        List<ValidationRow> rows = Validation.run(family);
        LeastSquaresFit.Result calibration = Validation.calibration(family);
        PrintWriter w = new PrintWriter(out, false, StandardCharsets.UTF_8);
        new ValidationReport(family, rows, calibration, markdown).print(w);
        w.flush();
        return CliSupport.OK;
    }

    /** {@code 1.940} for speedups, {@code 0.810} for µs, {@code 2000} for cycles. */
    static String number(double v, String unit) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return unit.equals("cycles") ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
