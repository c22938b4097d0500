import ArgumentParser
import Autoencoders
import Foundation
import Linalg

/// Where random codes come from.
enum CodeSource: String, ExpressibleByArgument, CaseIterable {
    /// The Gaussian fitted to the training codes, stored in the checkpoint (N(0, I) for a VAE).
    case prior
    /// N(0, I).
    case normal
    /// U[0, 1) per unit, for sigmoid codes.
    case uniform
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Decode random codes into new images.",
        discussion: """
        By default codes come from the checkpoint's code prior (the mean and covariance of the \
        training codes), so they land where real codes live; a VAE samples N(0, I), the prior it was \
        trained toward. --codes normal|uniform picks another distribution. Same --seed, same images.

        Examples:
          aezoo generate fashion/vae-20 --count 64 --seed 7 -o samples.png
          aezoo generate fashion/sparse-kl-200 --codes uniform -o samples.npy
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var out: OutputOption

    @Option(help: ArgumentHelp("How many images.", valueName: "n"))
    var count = 64

    @Option(help: ArgumentHelp("The random seed.", valueName: "n"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Code distribution: prior (default), normal, uniform.", valueName: "kind"))
    var codes: CodeSource = .prior

    @OptionGroup var picture: PictureOptions

    func validate() throws {
        guard (1...1_000_000).contains(count) else { throw CLIError("--count", "must be between 1 and 1000000, got \(count)") }
    }

    func run() throws {
        let loaded = try model.load()
        let images = try Self.sample(loaded, count: count, seed: seed, source: codes)
        try ImageOutput.write(images, to: out.output, perRow: picture.columns(default: 8), scale: picture.scale, attributes: try loaded.provenance())
        Output.note("generated \(count) images from \(codes.rawValue) codes (seed \(seed)): \(out.output)")
    }

    /// `count` decoded random codes, in input units.
    static func sample(_ loaded: LoadedModel, count: Int, seed: UInt64, source: CodeSource) throws -> Matrix {
        var rng = RandomSource(seed: seed)
        let k = loaded.model.codeSize
        let z: Matrix
        switch source {
        case .prior: z = try loaded.checkpoint.codePrior().sample(count: count, rng: &rng)
        case .normal: z = CodePrior.standardNormal(dimension: k).sample(count: count, rng: &rng)
        case .uniform:
            var values = [Float](repeating: 0, count: count * k)
            rng.fillUniform(&values, low: 0, high: 1)
            z = Matrix(rows: count, cols: k, data: values)
        }
        return loaded.denormalize(try loaded.model.decode(z))
    }
}
