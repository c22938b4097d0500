import Foundation
import Zoo

/// The zoo checkpoint a command is about to verify, hashed from the moment the process starts.
///
/// A zoo id is trusted by the SHA-256 of its whole checkpoint (20 MB for the 1000-unit models,
/// most of a one-image `aezoo encode`'s critical path), and before that hash can start the
/// arguments must be parsed (ArgumentParser's reflection) and the registry decoded: about 10 ms
/// with the second core idle. So `main` guesses first: the first argument after a model-taking
/// subcommand that is shaped like a zoo id and names no file, at the conventional
/// `<zoo>/<id>/model.h5` of the zoo that `--zoo`, `$AEZOO_ZOO` or the defaults name, and starts
/// hashing it. `ModelOption` uses the digest only if the registry names that very file (same
/// device and inode, see `PendingDigest.isHashing`); a wrong guess costs one wasted hash of a file
/// that exists in the zoo, nothing else.
enum EarlyZooDigest {
    /// Subcommands whose MODEL argument can be a zoo id.
    static let modelCommands: Set<String> = ["encode", "decode", "reconstruct", "generate", "evaluate", "visualize"]

    // Written once by `start`, before any other thread exists; read by `take` on the main thread.
    nonisolated(unsafe) private static var pending: (id: String, digest: PendingDigest)?

    /// Starts hashing the guessed checkpoint, if the command line names a zoo id.
    static func start(arguments: [String]) {
        guard let (id, zoo) = guess(arguments) else { return }
        let path = ZooOption.location(directory: zoo).appendingPathComponent(ZooBuilder.checkpointPath(for: id)).path
        guard access(path, R_OK) == 0 else { return }
        pending = (id, PendingDigest(path: path))
    }

    /// The digest started for `id`, handed out once.
    static func take(for id: String) -> PendingDigest? {
        guard let (guessed, digest) = pending, guessed == id else { return nil }
        pending = nil
        return digest
    }

    /// (zoo id, `--zoo` value) from the raw arguments, without parsing them properly.
    static func guess(_ arguments: [String]) -> (id: String, zoo: String?)? {
        let args = Array(arguments.dropFirst())
        guard let command = args.first, modelCommands.contains(command) else { return nil }
        var zoo: String?, id: String?
        var i = 1
        while i < args.count {
            let a = args[i]
            if a == "--zoo", i + 1 < args.count {
                zoo = args[i + 1]
                i += 2
                continue
            }
            if a.hasPrefix("--zoo=") { zoo = String(a.dropFirst(6)) }
            if id == nil, !a.hasPrefix("-"), Registry.isWellFormedID(a), access(a, F_OK) != 0 { id = a }
            i += 1
        }
        return id.map { ($0, zoo) }
    }
}
