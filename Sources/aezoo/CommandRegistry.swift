import ArgumentParser

/// Every subcommand, in the order `aezoo --help` lists them.
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        Train.self, Encode.self, Decode.self, Reconstruct.self, Generate.self, Visualize.self, Evaluate.self,
        Inspect.self, Convert.self, ZooCommand.self,
    ]
}
