import Foundation
import Linalg

/// Imports a TensorFlow checkpoint into aezoo's TF1-style variable names.
///
/// - TF1 name-based checkpoints (`tf.compat.v1.train.Saver`) already use those names:
///   `dense/kernel`, `dense/kernel/Adam`, `dense/kernel/Adam_1`, `beta1_power`, `weights1`, ...
/// - TF2 object-based checkpoints (`tf.train.Checkpoint`) store keys such as
///   `optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE`; the object graph entry gives
///   each variable's real name (`sequential/dense/kernel`) and which optimizer slots belong to it,
///   so they come back as `dense/kernel`, `dense/kernel/Adam`, ..., `global_step`.
public enum TensorFlowCheckpoint {
    /// The result of an import: variables under aezoo names, where each came from, and notes.
    public struct Imported: Sendable {
        public var variables: VariableStore
        /// aezoo name -> key in the checkpoint.
        public var sourceNames: [String: String]
        /// Facts that have no variable of their own (learning rate, save counter, synthesized state).
        public var metadata: [String: String]
        public var isObjectBased: Bool
    }

    public static func read(path: String) throws -> Imported {
        let bundle = try TensorBundle(path: path)
        if bundle.contains(ObjectGraph.key) {
            return try readObjectBased(bundle)
        }
        let vars = try bundle.variables()
        var sources: [String: String] = [:]
        for n in vars.names { sources[n] = n }
        return Imported(variables: vars, sourceNames: sources, metadata: ["source_format": "tf1"], isObjectBased: false)
    }

    static let attributeSuffix = "/.ATTRIBUTES/VARIABLE_VALUE"

    /// TF2 slot names -> TF1 slot suffixes, so imported optimizer state matches aezoo's optimizers.
    static let slotSuffix: [String: String] = ["m": "Adam", "v": "Adam_1", "momentum": "Momentum", "rms": "RMSProp", "accumulator": "Adagrad"]

    static func readObjectBased(_ bundle: TensorBundle) throws -> Imported {
        let indexPath = bundle.prefix + ".index"
        guard let graphBytes = try bundle.strings(named: ObjectGraph.key).first else {
            throw InteropError.corrupt(path: indexPath, reason: "empty object graph entry")
        }
        let graph = try ObjectGraph(graphBytes, path: indexPath)
        var metadata = ["source_format": "tf2"]

        // 1. Classify variable nodes: optimizer scalars, slots, and model variables.
        var optimizerScalar: [Int: String] = [:]       // node -> hyper-parameter name
        var slotOf: [Int: (variable: Int, suffix: String)] = [:]
        for node in graph.nodes {
            for s in node.slots { slotOf[s.slot] = (s.original, slotSuffix[s.slotName] ?? s.slotName) }
            let isOptimizer = node.child("_iterations") != nil || node.child("iter") != nil
            if isOptimizer {
                for c in node.children where graph.nodes[c.id].variableKey != nil {
                    optimizerScalar[c.id] = c.name.hasPrefix("_") ? String(c.name.dropFirst()) : c.name
                }
                // Keras 3 keeps Adam state in parallel lists instead of slot references.
                if let t = node.child("_trainable_variables") {
                    let vars = Dictionary(graph.nodes[t].children.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
                    let hasVelocity = node.child("_velocities") != nil
                    for (list, suffix) in [("_momentums", hasVelocity ? "Adam" : "Momentum"), ("_velocities", "Adam_1")] {
                        guard let l = node.child(list) else { continue }
                        for c in graph.nodes[l].children { if let v = vars[c.name] { slotOf[c.id] = (v, suffix) } }
                    }
                }
            }
        }
        var modelVariables: [Int] = []
        for (id, node) in graph.nodes.enumerated() where node.variableKey != nil {
            if slotOf[id] == nil && optimizerScalar[id] == nil && node.variableKey != "save_counter" + attributeSuffix {
                modelVariables.append(id)
            }
        }
        // 2. Names: the variable's own name, minus ":0" and minus a model-wide prefix such as
        //    Keras 3's `sequential/` (so `sequential/dense/kernel` becomes `dense/kernel`).
        var names: [Int: String] = [:]
        for id in modelVariables {
            var n = graph.nodes[id].variableName ?? ""
            if n.hasSuffix(":0") { n.removeLast(2) }
            if n.isEmpty { n = String(graph.nodes[id].variableKey!.dropLast(attributeSuffix.count)) }
            names[id] = n
        }
        let parts = names.values.map { $0.split(separator: "/", omittingEmptySubsequences: false) }
        if let first = parts.first?.first, parts.allSatisfy({ $0.count >= 3 && $0[0] == first }) {
            for (id, n) in names { names[id] = String(n.dropFirst(first.count + 1)) }
        }
        // 3. Assemble in model order, each variable followed by its slots.
        var store = VariableStore()
        var sources: [String: String] = [:]
        func add(_ name: String, node: Int) throws {
            let key = graph.nodes[node].variableKey!
            guard store[name] == nil else {
                throw InteropError.corrupt(path: indexPath, reason: "two checkpoint entries map to the variable name '\(name)'")
            }
            store[name] = try bundle.tensor(named: key)
            sources[name] = key
        }
        let slotsByVariable = Dictionary(grouping: slotOf.keys.sorted(), by: { slotOf[$0]!.variable })
        for id in modelVariables {
            try add(names[id]!, node: id)
            for s in slotsByVariable[id] ?? [] { try add(names[id]! + "/" + slotOf[s]!.suffix, node: s) }
        }
        var iterations: Int64?
        for (id, hyper) in optimizerScalar.sorted(by: { $0.key < $1.key }) {
            let key = graph.nodes[id].variableKey!
            let t = try bundle.tensor(named: key)
            if hyper == "iterations" || hyper == "iter" {
                iterations = t.ints.first
                store["global_step"] = Tensor(scalar: t.ints.first ?? 0)
                sources["global_step"] = key
            } else {
                metadata["optimizer_" + hyper] = String(t.scalarValue)
            }
        }
        // TF1 Adam keeps beta^(t+1) after t steps; Keras keeps only the step count. Reconstruct
        // the powers so training can continue in aezoo with identical bias correction.
        if let t = iterations, store.names.contains(where: { $0.hasSuffix("/Adam") }) {
            let b1 = Double(metadata["optimizer_beta_1"] ?? "0.9") ?? 0.9
            let b2 = Double(metadata["optimizer_beta_2"] ?? "0.999") ?? 0.999
            store["beta1_power"] = Tensor(scalar: Float(pow(b1, Double(t + 1))))
            store["beta2_power"] = Tensor(scalar: Float(pow(b2, Double(t + 1))))
            metadata["synthesized"] = "beta1_power, beta2_power from \(t) iterations (beta_1 \(b1), beta_2 \(b2))"
        }
        if bundle.contains("save_counter" + attributeSuffix) {
            metadata["save_counter"] = String(Int64(try bundle.tensor(named: "save_counter" + attributeSuffix).scalarValue))
        }
        return Imported(variables: store, sourceNames: sources, metadata: metadata, isObjectBased: true)
    }
}
