import ArgumentParser
import Checkpoint
import Foundation

/// `aezoo inspect`: TensorFlow's inspect_checkpoint, for aezoo checkpoints.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a checkpoint's variables, optimizer state and metadata.",
        discussion: """
        Prints every variable under its TensorFlow name with shape, dtype, bytes (in memory and \
        stored), min/max/mean, then the optimizer state (slots such as dense/kernel/Adam and scalars \
        such as beta1_power), then the metadata (model spec, recipe, normalization, code prior, \
        training state). Every variable is read, so a damaged file fails here with the reason; the \
        recorded SHA-256 of the variables is verified. The layout is documented in docs/FORMAT.md.

        Examples:
          aezoo inspect runs/mine                       # latest checkpoint of a training directory
          aezoo inspect runs/mine/model.ckpt-1200.h5 --checksum
          aezoo inspect runs/mine --json | jq '.variables[].name'
        """)

    @Argument(help: ArgumentHelp("A checkpoint file (.h5), or a directory with a 'checkpoint' state file.", valueName: "checkpoint-or-dir"))
    var path: String

    @Flag(help: "Print the report as JSON (for scripts).")
    var json = false

    @Flag(help: "Add each variable's SHA-256 (of its little-endian elements).")
    var checksum = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError(path, "no such checkpoint file or directory", hint: "pass a .h5 checkpoint or a training directory")
        }
        let report = try CheckpointInspector.inspect(path, checksums: checksum)
        if json {
            try Output.json(report)
        } else {
            FileHandle.standardOutput.write(Data(report.text.utf8))
        }
    }
}
