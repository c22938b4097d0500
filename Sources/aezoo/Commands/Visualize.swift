import ArgumentParser
import Autoencoders
import Foundation
import Linalg
import Render
import Zoo

struct Visualize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visualize",
        abstract: "Draw a model: weight tiles, reconstructions, samples, loss curves.",
        discussion: """
        Examples:
          aezoo visualize weights fashion/sparse-kl-200 -o weights.png --sort-by-norm
          aezoo visualize reconstructions fashion/basic-softplus-200 -i t10k-images-idx3-ubyte.gz -o recon.png
          aezoo visualize samples fashion/vae-20 --count 64 -o samples.png
          aezoo visualize training runs/mine -o loss.svg --log
        """,
        subcommands: [Weights.self, Reconstructions.self, Samples.self, Training.self])

    struct Weights: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "weights",
            abstract: "Each code unit's input weights as a tile, scaled per tile (UFLDL's display_network).",
            discussion: """
            Tiles are the first layer's kernel columns (for a stack, the first layer's units). Each tile is \
            centred on the mean weight and divided by its own max |w|, black = -1, white = +1.

            Examples:
              aezoo visualize weights fashion/sparse-kl-200 -o weights.png
              aezoo visualize weights runs/mine --units 0,1,2,3 --scale 4 -o four.png
            """)
        @OptionGroup var model: ModelOption
        @OptionGroup var out: OutputOption
        @Option(help: ArgumentHelp("Draw only these units (0-based, comma-separated).", valueName: "list"))
        var units: String?
        @Flag(help: "Order tiles by weight norm, largest first.")
        var sortByNorm = false
        @Flag(help: "Scale all tiles by the global max |w| instead of each tile's own.")
        var globalScale = false
        @Option(help: ArgumentHelp("Pixel scale factor.", valueName: "k"))
        var scale = 2

        func run() throws {
            let loaded = try model.load()
            let kernel = try loaded.model.weights(layer: 0)
            guard let side = ImageOutput.side(kernel.rows) else {
                throw CLIError(model.model, "the first layer has \(kernel.rows) inputs, not a square image")
            }
            var chosen: [Int]?
            if let units {
                chosen = try units.split(separator: ",").map { part in
                    guard let u = Int(part.trimmingCharacters(in: .whitespaces)) else {
                        throw CLIError("--units", "'\(part)' is not a unit number", hint: "e.g. --units 0,5,12")
                    }
                    return u
                }
            }
            let options = WeightGrid.Options(units: chosen, sortByNorm: sortByNorm, perTileScaling: !globalScale,
                                             tileWidth: side, tileHeight: side)
            let bitmap = try WeightGrid.render(kernel: kernel, options: options)
            try PNG.write(bitmap.scaled(by: scale), to: out.output)
            Output.note("drew \(chosen?.count ?? kernel.cols) weight tiles: \(out.output)")
        }
    }

    struct Reconstructions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reconstructions",
            abstract: "Originals above their reconstructions, N per row.",
            discussion: "Example:\n  aezoo visualize reconstructions fashion/basic-softplus-200 -i t10k-images-idx3-ubyte.gz --count 20 -o recon.png")
        @OptionGroup var model: ModelOption
        @OptionGroup var input: InputOptions
        @OptionGroup var out: OutputOption
        @Option(help: ArgumentHelp("How many images.", valueName: "n")) var count = 20
        @OptionGroup var picture: PictureOptions

        func run() throws {
            guard ImageOutput.isPicture(out.output) else { throw CLIError("--output", "must be a .png file") }
            guard count >= 1 else { throw CLIError("--count", "must be at least 1, got \(count)") }
            let loaded = try model.load()
            let mse = try Reconstruct.drawPicture(loaded, originals: try input.load(limit: count).images, to: out.output, picture: picture)
            Output.note(String(format: "drew %d reconstructions (MSE %.6f): %@", count, mse, out.output))
        }
    }

    struct Samples: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "samples",
            abstract: "A grid of generated images (codes from the stored prior unless --codes says otherwise).",
            discussion: "Example:\n  aezoo visualize samples fashion/vae-20 --count 64 --seed 3 -o samples.png")
        @OptionGroup var model: ModelOption
        @OptionGroup var out: OutputOption
        @Option(help: ArgumentHelp("How many images.", valueName: "n")) var count = 64
        @Option(help: ArgumentHelp("The random seed.", valueName: "n")) var seed: UInt64 = 0
        @Option(help: ArgumentHelp("Code distribution: prior, normal, uniform.", valueName: "kind")) var codes: CodeSource = .prior
        @OptionGroup var picture: PictureOptions

        func run() throws {
            guard ImageOutput.isPicture(out.output) else { throw CLIError("--output", "must be a .png file") }
            guard (1...100_000).contains(count) else { throw CLIError("--count", "must be between 1 and 100000, got \(count)") }
            let images = try Generate.sample(try model.load(), count: count, seed: seed, source: codes)
            try ImageOutput.writeGrid(images, to: out.output, perRow: picture.columns(default: 8), scale: picture.scale)
            Output.note("drew \(count) samples from \(codes.rawValue) codes (seed \(seed)): \(out.output)")
        }
    }

    struct Training: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "training",
            abstract: "Loss curves (each term per epoch) from the checkpoint's metrics history, as SVG.",
            discussion: "Example:\n  aezoo visualize training fashion/sparse-kl-200 -o training.svg --log")
        @OptionGroup var model: ModelOption
        @OptionGroup var out: OutputOption
        @Flag(help: "Logarithmic y axis.") var log = false

        func run() throws {
            let loaded = try model.load()
            let history = try loaded.checkpoint.history()
            guard !history.isEmpty else { throw CLIError(model.model, "the checkpoint has no metrics history (it was not trained by aezoo)") }
            try LossCurves.plot(history, title: loaded.id, log: log).write(to: out.output)
            Output.note("plotted \(history.count) epochs: \(out.output)")
        }
    }
}
