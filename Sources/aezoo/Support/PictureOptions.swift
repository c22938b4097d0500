import ArgumentParser

/// How the commands that can draw a PNG grid (decode, reconstruct, generate and their `visualize`
/// forms) lay it out. Each command supplies its own default for `--per-row`.
struct PictureOptions: ParsableArguments {
    @Option(help: ArgumentHelp("PNG: images (reconstruct: original/reconstruction pairs) per row; default 10, generate 8.", valueName: "n"))
    var perRow: Int?

    @Option(help: ArgumentHelp("PNG: pixel scale factor.", valueName: "k"))
    var scale = 2

    func validate() throws {
        if let perRow, perRow < 1 { throw CLIError("--per-row", "must be at least 1, got \(perRow)") }
        guard (1...16).contains(scale) else { throw CLIError("--scale", "must be between 1 and 16, got \(scale)") }
    }

    /// `--per-row`, or the command's default.
    func columns(default value: Int) -> Int { perRow ?? value }
}
