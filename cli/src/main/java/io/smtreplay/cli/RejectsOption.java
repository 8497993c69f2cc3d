package io.smtreplay.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --rejects FILE} of the offline commands (a picocli mixin): where refused lines are kept, see {@link RejectsFile}. */
public final class RejectsOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    private Path file;

    @Option(names = "--rejects", paramLabel = "FILE",
            description = "write every refused line to FILE, one JSON object per line (source, line, reason, detail, "
                    + "text) in file order; gzip if FILE ends in .gz")
    void setFile(String path) {
        if (path.equals("-")) {
            throw new ParameterException(command.commandLine(), "--rejects takes a file path, not '-'");
        }
        this.file = Path.of(path);
    }

    /** Creates the rejects file before any input is read; {@link RejectsFile#NONE} without the option. */
    RejectsFile open(List<String> inputs) throws RejectsFile.CannotCreate {
        return file == null ? RejectsFile.NONE : RejectsFile.create(file, inputs);
    }
}
