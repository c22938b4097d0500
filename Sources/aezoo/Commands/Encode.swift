import ArgumentParser
import Autoencoders
import Console
import Datasets
import Foundation
import Linalg

struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode a dataset into codes, streaming in bounded memory.",
        discussion: """
        Reads the input a chunk at a time (the next chunk on another thread), applies the model's \
        stored normalization, encodes on every core, and appends the codes to the output (HDF5, NPY or CSV). Labels travel alongside when the input has \
        them. HDF5 output carries the model id, the checkpoint's SHA-256 and the normalization as \
        attributes. --shard i/N encodes one contiguous slice so N machines can split a job (see docs/DATA.md \
        for stitching the shards with an HDF5 virtual dataset).

        Examples:
          aezoo encode fashion/sparse-kl-200 -i /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz -o codes.h5
          aezoo encode runs/mine -i digits.csv --label-column last -o codes.npy
          aezoo encode fashion/basic-softplus-200 -i big.npy --shard 3/8 -o codes-3.h5
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var input: InputOptions
    @OptionGroup var out: OutputOption

    @Option(help: ArgumentHelp("Rows read and encoded at a time (bounds memory); a multiple of 512, the encoder's block.", valueName: "n"))
    var chunkRows = 4096

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    struct Summary: Encodable {
        var model: String
        var checkpointSHA256: String
        var input: String
        var output: String
        var rows: Int
        var codeUnits: Int
        var shard: String?
        var seconds: Double
    }

    func validate() throws {
        guard chunkRows >= 1 && chunkRows <= 1 << 20 else { throw CLIError("--chunk-rows", "must be between 1 and 1048576, got \(chunkRows)") }
        // Chunks (like shards) start on a block, so a row's code never depends on how the job was cut.
        guard chunkRows % Shard.blockRows == 0 else {
            throw CLIError("--chunk-rows", "must be a multiple of \(Shard.blockRows), got \(chunkRows)", hint: "try --chunk-rows \(max(1, (chunkRows + Shard.blockRows / 2) / Shard.blockRows) * Shard.blockRows)")
        }
    }

    func run() throws {
        let start = Date()
        // Only the encoder's variables are read; the next chunk is read and decoded on another
        // thread while this one is encoded on all cores.
        let loaded = try model.load(part: .encoder)
        let reader = PrefetchingReader(try input.open())
        let encoder = loaded.encoder
        guard reader.featureCount == loaded.spec.inputSize else {
            throw CLIError(input.input, "rows have \(reader.featureCount) values, \(loaded.id) expects \(loaded.spec.inputSize)")
        }
        // Only HDF5 keeps the provenance attributes; NPY and CSV need not wait for the file's SHA-256.
        let keepsAttributes = DataFormat.infer(fromPath: out.output) == .hdf5
        let writer = try Dataset.create(out.output, featureCount: encoder.codeSize,
                                        options: WriteOptions(attributes: keepsAttributes ? try loaded.provenance() : []))
        let progress = ProgressLine(label: "encode", total: reader.rowCount)
        while let chunk = try reader.nextChunk(maxRows: chunkRows) {
            let codes = try encoder.encode(try loaded.normalize(chunk.images))
            try writer.append(codes, labels: chunk.labels)
            progress.advance(by: chunk.rows)
        }
        try writer.finish()
        progress.finish()
        guard json else {
            Output.note("encoded \(writer.rowsWritten) rows into \(encoder.codeSize)-unit codes: \(writer.path)")
            return
        }
        try Output.json(Summary(model: loaded.id, checkpointSHA256: try loaded.sha256(), input: input.input, output: writer.path,
                                rows: writer.rowsWritten, codeUnits: encoder.codeSize, shard: input.shard,
                                seconds: Date().timeIntervalSince(start)))
    }
}
