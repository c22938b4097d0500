import ArgumentParser
import Datasets
import Foundation
import Linalg

extension DataFormat: ExpressibleByArgument {}
extension PixelRange: ExpressibleByArgument {}
extension CSVLabelColumn: ExpressibleByArgument {}

/// Where rows come from: a dataset file in any supported format, its labels, and a shard.
struct InputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("The dataset: IDX (.gz), CSV, NPY or HDF5.", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("A separate label file (IDX or NPY). Found automatically beside IDX images.", valueName: "file"))
    var labels: String?

    @Option(help: ArgumentHelp("The input format when the file name does not tell (idx, csv, npy, hdf5).", valueName: "format"))
    var format: DataFormat?

    @Option(help: ArgumentHelp("How stored values become inputs: auto (bytes / 255), bytes, asStored.", valueName: "range"))
    var pixelRange: PixelRange = .auto

    @Option(help: ArgumentHelp("HDF5: the dataset holding the rows.", valueName: "path"))
    var dataset: String?

    @Option(help: ArgumentHelp("CSV: where the label column is (auto, none, first, last).", valueName: "where"))
    var labelColumn: CSVLabelColumn = .auto

    @Option(help: ArgumentHelp("Process only slice i of N contiguous slices (0-based), e.g. 2/8.", valueName: "i/N"))
    var shard: String?

    func readOptions() throws -> ReadOptions {
        var shardValue: Shard?
        if let shard {
            do { shardValue = try Shard(parsing: shard) } catch {
                throw CLIError("--shard", "'\(shard)' is not a shard", hint: "write i/N with 0 <= i < N, e.g. --shard 0/4")
            }
        }
        return ReadOptions(format: format, pixelRange: pixelRange, labelsPath: labels, csvLabelColumn: labelColumn,
                           hdf5Dataset: dataset, shard: shardValue)
    }

    func open(pixelRange override: PixelRange? = nil) throws -> any DatasetReader {
        var options = try readOptions()
        if let override { options.pixelRange = override }
        return try Dataset.open(input, options: options)
    }

    /// The first `limit` rows (all rows when nil), in memory.
    func load(limit: Int? = nil, pixelRange override: PixelRange? = nil) throws -> LabeledData {
        let reader = try open(pixelRange: override)
        guard let limit else { return try reader.readAll() }
        var parts: [LabeledData] = []
        var remaining = limit
        while remaining > 0, let chunk = try reader.nextChunk(maxRows: min(remaining, 8192)) {
            parts.append(chunk); remaining -= chunk.rows
        }
        return parts.isEmpty ? LabeledData(images: Matrix(rows: 0, cols: reader.featureCount)) : LabeledData.concatenate(parts)
    }
}

/// Where results go: the format follows the extension (.h5, .npy, .csv, .png).
struct OutputOption: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The output file (.h5, .npy or .csv).", valueName: "file"))
    var output: String
}
