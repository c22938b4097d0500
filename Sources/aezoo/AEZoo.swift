import ArgumentParser
import Foundation
import Linalg

/// The `aezoo` command: train, checkpoint, share and use autoencoders.
@main
struct AEZoo: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "aezoo",
        abstract: "Train, checkpoint, share and use autoencoders on 28x28 images.",
        discussion: """
        A MODEL is a zoo id (see 'aezoo zoo list'), a checkpoint file (.h5), or a checkpoint
        directory (its latest checkpoint, as named by the TensorFlow-style 'checkpoint' file).

        Examples:
          aezoo zoo list
          aezoo encode fashion/sparse-kl-200 --input /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz -o codes.h5
          aezoo visualize weights fashion/sparse-kl-200 -o weights.png
          aezoo train --recipe recipe.json --checkpoint-dir runs/mine
          aezoo inspect runs/mine
        """,
        version: version,
        subcommands: CommandRegistry.all
    )

    /// Runs the command line, printing our own errors as `error: <file or flag>: <what>` plus a hint.
    static func main() {
        // OpenBLAS starts a worker thread as the library loads, and it polls a core until BLAS is
        // configured (single-threaded, see OpenBLASRuntime). Configure first, before it competes
        // with the checkpoint's hashing and decoding for the machine's cores.
        _ = OpenBLASRuntime.coreName
        // A zoo model's checkpoint is hashed from now on, while the arguments are parsed.
        EarlyZooDigest.start(arguments: CommandLine.arguments)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            FileHandle.standardError.write(Data(error.rendered.utf8))
            Foundation.exit(error.exitCode)
        } catch let error as ExitCode {
            exit(withError: error)
        } catch let error where isArgumentParserError(error) {
            exit(withError: error)
        } catch {
            // Library errors (CheckpointError, DatasetError, ...) already name their file.
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }

    /// `--help`, `--version` and usage errors arrive as ArgumentParser's internal error types.
    /// Named through `_typeName`: `String(reflecting:)` of a type first asks the runtime whether
    /// it conforms to the printing protocols, a scan of every conformance in the process.
    private static func isArgumentParserError(_ error: Error) -> Bool {
        error is ValidationError || error is CleanExit || _typeName(type(of: error), qualified: true).hasPrefix("ArgumentParser.")
    }
}
