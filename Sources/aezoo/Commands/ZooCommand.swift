import ArgumentParser
import Checkpoint
import Foundation
import Zoo

struct ZooCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "The model zoo: list, show, verify, build, export and import pretrained variants.",
        discussion: """
        The registry is zoo/registry.json (schema: zoo/README.md). Every checkpoint is pinned by its \
        SHA-256; a changed file is refused everywhere a zoo id is accepted.

        Examples:
          aezoo zoo list
          aezoo zoo show fashion/sparse-kl-200
          aezoo zoo verify
          aezoo zoo build mnist/basic-softplus-200
          aezoo zoo export fashion/vae-20 -o vae.aezoo.h5 && aezoo zoo import vae.aezoo.h5 --zoo other-zoo
        """,
        subcommands: [List.self, Show.self, Verify.self, Build.self, Export.self, Import.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "A table of the variants (--json for scripts).")
        @OptionGroup var zoo: ZooOption
        @Flag(help: "Print the entries as JSON.") var json = false

        func run() throws {
            let registry = try zoo.registry()
            if json { try Output.json(registry.entries); return }
            var rows = [["id", "family", "layers", "test MSE", "PCA MSE", "probe", "size"]]
            for e in registry.entries {
                let m = e.metrics
                rows.append([e.id, e.family, e.spec.layerSizes.map(String.init).joined(separator: "-"),
                             m.map { String(format: "%.5f", $0.testMSE) } ?? "-",
                             m.map { String(format: "%.5f", $0.pcaMSE) } ?? "-",
                             m.map { String(format: "%.1f%%", $0.probeAccuracy * 100) } ?? "-",
                             e.checkpoint.bytes > 0 ? String(format: "%.1f MB", Double(e.checkpoint.bytes) / 1e6) : "-"])
            }
            print(Table.render(rows))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One entry and its model card.")
        @OptionGroup var zoo: ZooOption
        @Argument(help: "The zoo id.") var id: String
        @Flag(help: "Print the entry as JSON.") var json = false

        func run() throws {
            let registry = try zoo.registry()
            let entry = try registry.entry(id)
            if json { try Output.json(entry); return }
            print(ModelCard.markdown(for: entry))
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check checksums and that each checkpoint loads (all entries, or one).")
        @OptionGroup var zoo: ZooOption
        @Argument(help: "The zoo id (default: every entry).") var id: String?
        @Flag(help: "Print results as JSON.") var json = false

        struct Result: Encodable { var id: String; var ok: Bool; var detail: String }

        func run() throws {
            let registry = try zoo.registry()
            let entries = try id.map { [try registry.entry($0)] } ?? registry.entries
            var results: [Result] = []
            for e in entries {
                do {
                    let url = try registry.verifiedCheckpoint(e)
                    let checkpoint = try ModelCheckpoint(path: url.path)
                    guard checkpoint.spec == e.spec else { throw CLIError(url.path, "the checkpoint's model spec differs from the registry's") }
                    _ = try checkpoint.makeModel()
                    results.append(Result(id: e.id, ok: true, detail: "sha256 \(e.checkpoint.sha256.prefix(12))…, \(e.checkpoint.bytes) bytes, loads"))
                } catch {
                    results.append(Result(id: e.id, ok: false, detail: "\(error)"))
                }
            }
            if json { try Output.json(results) } else {
                for r in results { print("\(r.ok ? "ok  " : "FAIL") \(r.id): \(r.detail)") }
            }
            if results.contains(where: { !$0.ok }) { throw ExitCode(1) }
        }
    }

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Retrain variants from their recipes: checkpoint, metrics, pictures, card, registry entry.",
            discussion: """
            The recipe comes from zoo/recipes.json when it lists the id (the build plan), else from the \
            registry entry. The build writes the checkpoint, measures it, draws its pictures, writes its \
            card and updates (or adds) the registry entry.

            Examples:
              aezoo zoo build fashion/sparse-kl-200
              aezoo zoo build --all
            """)
        @OptionGroup var zoo: ZooOption
        @Argument(help: "The zoo ids to build.") var ids: [String] = []
        @Flag(help: "Build every entry.") var all = false
        @Flag(help: "Only regenerate the model cards from the registry (no training).") var cardsOnly = false

        func validate() throws {
            if ids.isEmpty && !all { throw CLIError("ID", "name at least one zoo id, or pass --all") }
        }

        func run() throws {
            let registry = try zoo.registry()
            var builder = ZooBuilder(registry: registry, recipes: try RecipeBook.load(zoo: registry.root), log: Output.note)
            if cardsOnly {
                for id in all ? builder.registry.ids : ids {
                    try ModelCard.write(for: try builder.registry.entry(id), in: builder.registry)
                    Output.note("wrote the card of \(id)")
                }
                return
            }
            for id in all ? builder.buildableIDs : ids {
                let e = try builder.build(id, version: AEZoo.version)
                Output.note("built \(e.id): \(e.checkpoint.path) sha256 \(e.checkpoint.sha256)")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "One self-contained file: the checkpoint with its registry entry embedded.")
        @OptionGroup var zoo: ZooOption
        @Argument(help: "The zoo id.") var id: String
        @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The export file.", valueName: "file")) var output: String

        func run() throws {
            let registry = try zoo.registry()
            try ZooArchive.export(try registry.entry(id), from: registry, to: output)
            Output.note("exported \(id) to \(output)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Verify an exported file (schema, SHA-256) and register it in this zoo.")
        @OptionGroup var zoo: ZooOption
        @Argument(help: "The export file.") var file: String
        @Flag(help: "Replace an entry with the same id.") var replace = false

        func run() throws {
            var registry = try zoo.registry()
            let entry = try ZooArchive.importArchive(file, into: &registry, replace: replace)
            Output.note("imported \(entry.id) into \(registry.root.path)")
        }
    }
}

/// Plain-text table with aligned columns.
enum Table {
    static func render(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = (0..<first.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, v in v.padding(toLength: widths[c], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
