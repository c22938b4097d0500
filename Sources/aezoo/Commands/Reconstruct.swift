import ArgumentParser
import Console
import Datasets
import Foundation
import Linalg
import Render

struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Reconstruct inputs through the model (deterministic: no noise, the VAE uses its mean code).",
        discussion: """
        With a .png output, draws originals above their reconstructions; otherwise streams the \
        reconstructions to .h5, .npy or .csv in bounded memory and reports the MSE.

        Examples:
          aezoo reconstruct fashion/denoising-gaussian-200 -i t10k-images-idx3-ubyte.gz -o recon.png --count 20
          aezoo reconstruct runs/mine -i test.npy -o recon.npy --json
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var input: InputOptions
    @OptionGroup var out: OutputOption

    @Option(help: ArgumentHelp("Reconstruct only the first n rows (default: 20 for .png, all otherwise).", valueName: "n"))
    var count: Int?

    @OptionGroup var picture: PictureOptions

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    struct Summary: Encodable { var model: String; var rows: Int; var meanSquaredError: Double; var output: String }

    func validate() throws {
        if let count, count < 1 { throw CLIError("--count", "must be at least 1, got \(count)") }
    }

    func run() throws {
        let loaded = try model.load()
        var squaredError = 0.0, rows = 0
        if ImageOutput.isPicture(out.output) {
            let x = try input.load(limit: count ?? 20).images
            let mse = try Self.drawPicture(loaded, originals: x, to: out.output, picture: picture)
            squaredError = mse * Double(x.count); rows = x.rows
        } else {
            let reader = try input.open()
            let writer = try Dataset.create(out.output, featureCount: reader.featureCount,
                                            options: WriteOptions(datasetName: "reconstructions", attributes: try loaded.provenance()))
            let progress = ProgressLine(label: "reconstruct", total: count ?? reader.rowCount)
            while rows < (count ?? Int.max), let chunk = try reader.nextChunk(maxRows: min(4096, (count ?? Int.max) - rows)) {
                let r = loaded.denormalize(try loaded.model.reconstruct(try loaded.normalize(chunk.images)))
                try writer.append(r, labels: chunk.labels)
                squaredError += r.meanSquaredError(to: chunk.images) * Double(chunk.images.count)
                rows += chunk.rows
                progress.advance(by: chunk.rows)
            }
            try writer.finish()
            progress.finish()
        }
        let mse = rows > 0 ? squaredError / Double(rows * loaded.spec.inputSize) : 0
        if json { try Output.json(Summary(model: loaded.id, rows: rows, meanSquaredError: mse, output: out.output)) }
        else { Output.note(String(format: "reconstructed %d rows, MSE %.6f: %@", rows, mse, out.output)) }
    }

    /// Originals above their reconstructions, as a PNG; returns the MSE of these rows.
    static func drawPicture(_ loaded: LoadedModel, originals x: Matrix, to path: String, picture: PictureOptions) throws -> Double {
        let r = loaded.denormalize(try loaded.model.reconstruct(try loaded.normalize(x)))
        guard let s = ImageOutput.side(x.cols) else { throw CLIError(path, "rows of \(x.cols) values are not square images") }
        let grid = try ImageGrid.reconstructions(originals: x, reconstructions: r, perRow: picture.columns(default: 10),
                                                 tileWidth: s, tileHeight: s)
        try PNG.write(grid.scaled(by: picture.scale), to: path)
        return r.meanSquaredError(to: x)
    }
}
