import ArgumentParser

/// Every subcommand, in the order `aezoo --help` lists them.
///
/// Each command's configuration spells out its `commandName`: left out, ArgumentParser derives
/// it from `String(describing: Self.self)` for every command in the tree on every run, and each
/// of those is a scan of all protocol conformances in the process (about 3 ms of start-up).
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        Train.self, Encode.self, Decode.self, Reconstruct.self, Generate.self, Visualize.self, Evaluate.self,
        Inspect.self, Convert.self, ZooCommand.self,
    ]
}
