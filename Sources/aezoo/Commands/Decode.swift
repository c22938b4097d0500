import ArgumentParser
import Datasets
import Foundation
import Linalg

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode codes back into images (a PNG grid) or vectors (.h5, .npy, .csv).",
        discussion: """
        Reads codes (e.g. what 'aezoo encode' wrote; HDF5 takes the 'codes' dataset), decodes them and \
        undoes the model's stored normalization, so outputs are in input units (pixels in [0, 1]).

        Examples:
          aezoo decode fashion/sparse-kl-200 -i codes.h5 -o images.png --count 50
          aezoo decode runs/mine -i codes.npy -o vectors.npy
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var input: InputOptions
    @OptionGroup var out: OutputOption

    @Option(help: ArgumentHelp("Decode only the first n codes.", valueName: "n"))
    var count: Int?

    @OptionGroup var picture: PictureOptions

    func validate() throws {
        if let count, count < 1 { throw CLIError("--count", "must be at least 1, got \(count)") }
    }

    func run() throws {
        let loaded = try model.load()
        // Codes are taken as stored, whatever their element type.
        let data = try input.load(limit: count, pixelRange: .asStored).images
        guard data.cols == loaded.model.codeSize else {
            throw CLIError(input.input, "codes have \(data.cols) values per row, \(loaded.id) has a \(loaded.model.codeSize)-unit code")
        }
        var rows = try loaded.model.decode(data)
        rows = loaded.denormalize(rows)
        try ImageOutput.write(rows, to: out.output, perRow: picture.columns(default: 10), scale: picture.scale, attributes: try loaded.provenance())
        Output.note("decoded \(rows.rows) codes: \(out.output)")
    }
}
