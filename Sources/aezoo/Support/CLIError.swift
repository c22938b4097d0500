/// A command-line failure: what went wrong, where (a file or a flag), and what to do instead.
struct CLIError: Error, CustomStringConvertible {
    /// The file or flag at fault, e.g. `--shard` or `codes.h5`.
    var subject: String
    var message: String
    var hint: String?
    var exitCode: Int32 = 1

    init(_ subject: String, _ message: String, hint: String? = nil, exitCode: Int32 = 1) {
        self.subject = subject; self.message = message; self.hint = hint; self.exitCode = exitCode
    }

    var description: String { "\(subject): \(message)" }

    var rendered: String {
        var s = "error: \(subject): \(message)\n"
        if let hint { s += "hint: \(hint)\n" }
        return s
    }
}
