import Foundation
import HDF5
import Linalg

extension KerasH5 {
    /// The version string written to legacy files. Keras only treats `"1"` specially when
    /// loading, so the tf.keras 2 layout aezoo writes is labelled with the last tf.keras release.
    static let legacyKerasVersion = "2.15.0"

    /// Writes the dense layers of `store` (`<layer>/kernel` + `<layer>/bias`, in store order) so
    /// Keras's `load_weights` loads them into the equivalent `Sequential` of `Dense` layers.
    /// Optimizer slots and scalars are not written: Keras keeps optimizer state elsewhere.
    ///
    /// - legacy: tf.keras 2 layout (`layer_names`, `weight_names` as fixed-length byte strings,
    ///   datasets `/dense/dense/kernel:0`), readable by tf.keras 2 and Keras 3 (`.h5`).
    /// - v3: Keras 3 layout; Keras requires the file name to end in `.weights.h5`.
    public static func write(_ store: VariableStore, to path: String, layout: Layout) throws {
        if layout == .v3 && !path.hasSuffix(".weights.h5") {
            throw InteropError.cannotWrite(path: path, reason: "Keras 3 only loads weights from files named *.weights.h5")
        }
        let layers = try denseLayers(store, path: path)
        try writeAtomically(to: path) { tmp in
            let file = try H5File.create(tmp)
            switch layout {
            case .legacy:
                try file.setAttribute("layer_names", .strings(layers.map(\.name)), strings: .fixedLength)
                try file.setAttribute("backend", .string("tensorflow"), strings: .fixedLength)
                try file.setAttribute("keras_version", .string(legacyKerasVersion), strings: .fixedLength)
                for layer in layers {
                    let g = try file.createGroup(layer.name)
                    let names = ["\(layer.name)/kernel:0", "\(layer.name)/bias:0"]
                    try g.setAttribute("weight_names", .strings(names), strings: .fixedLength)
                    try write(layer.kernel, at: names[0], in: g)
                    try write(layer.bias, at: names[1], in: g)
                }
            case .v3:
                // Mirror the groups Keras itself writes, including the empty root `vars`.
                _ = try file.createGroup("vars")
                for (i, layer) in layers.enumerated() {
                    // Keras names container children by class: dense, dense_1, ... in order.
                    let g = try file.createGroup("layers/\(i == 0 ? "dense" : "dense_\(i)")/vars")
                    try write(layer.kernel, at: "0", in: g)
                    try write(layer.bias, at: "1", in: g)
                }
            }
            try file.close()
        }
    }

    struct DenseLayer { var name: String; var kernel: Tensor; var bias: Tensor }

    /// The `<layer>/kernel` + `<layer>/bias` pairs of a store, in order; anything that is neither
    /// a layer weight nor optimizer state is refused so nothing is silently dropped.
    static func denseLayers(_ store: VariableStore, path: String) throws -> [DenseLayer] {
        var layers: [DenseLayer] = []
        for name in store.names where name.hasSuffix("/kernel") {
            let layer = String(name.dropLast("/kernel".count))
            guard let bias = store[layer + "/bias"] else {
                throw InteropError.cannotWrite(path: path, reason: "variable \(name) has no matching \(layer)/bias")
            }
            let kernel = store[name]!
            guard kernel.shape.count == 2, bias.shape == [kernel.shape[1]] else {
                throw InteropError.cannotWrite(path: path, reason: "\(layer): kernel \(kernel.shape) and bias \(bias.shape) are not a Dense layer's")
            }
            layers.append(DenseLayer(name: layer, kernel: kernel, bias: bias))
        }
        let covered = Set(layers.flatMap { [$0.name + "/kernel", $0.name + "/bias"] })
        let optimizerState = ["beta1_power", "beta2_power", "global_step"]
        for name in store.names where !covered.contains(name) && !optimizerState.contains(name) && !covered.contains(where: { name.hasPrefix($0 + "/") }) {
            throw InteropError.cannotWrite(path: path, reason: "variable '\(name)' is not part of a Dense layer (kernel + bias); Keras files hold Dense stacks only")
        }
        if layers.isEmpty { throw InteropError.cannotWrite(path: path, reason: "no <layer>/kernel variables to write") }
        return layers
    }

    static func write(_ t: Tensor, at name: String, in group: H5Group) throws {
        // Contiguous float32, like Keras's own writer (no chunking, no filters).
        try group.createDataset(name, values: t.floats, shape: t.shape)
    }
}
