/// The `_CHECKPOINTABLE_OBJECT_GRAPH` entry of a TF2 object-based checkpoint (a serialized
/// TrackableObjectGraph): nodes, their named children, the tensors they saved and their
/// optimizer slot references. Only the fields aezoo needs are decoded.
struct ObjectGraph {
    struct Node {
        var children: [(id: Int, name: String)] = []
        /// (attribute name, full variable name, checkpoint key)
        var attributes: [(name: String, fullName: String, key: String)] = []
        var slots: [(original: Int, slotName: String, slot: Int)] = []

        func child(_ name: String) -> Int? { children.first { $0.name == name }?.id }
        var variableKey: String? { attributes.first { $0.name == "VARIABLE_VALUE" }?.key }
        var variableName: String? { attributes.first { $0.name == "VARIABLE_VALUE" }?.fullName }
    }

    static let key = "_CHECKPOINTABLE_OBJECT_GRAPH"
    var nodes: [Node] = []

    init(_ bytes: [UInt8], path: String) throws {
        var p = ProtoReader(bytes, path: path, context: "object graph")
        while let (field, value) = try p.next() {
            guard field == 1, case let .bytes(nodeBytes) = value else { continue }
            var node = Node()
            var n = ProtoReader(nodeBytes, path: path, context: "object graph node \(nodes.count)")
            while let (f, v) = try n.next() {
                guard case let .bytes(b) = v else { continue }
                var m = ProtoReader(b, path: path, context: "object graph node \(nodes.count)")
                switch f {
                case 1:
                    var id = 0, name = ""
                    while let (g, w) = try m.next() {
                        if g == 1, let x = w.int { id = Int(truncatingIfNeeded: x) }
                        if g == 2, let s = w.string { name = s }
                    }
                    node.children.append((id, name))
                case 2:
                    var a = ("", "", "")
                    while let (g, w) = try m.next() {
                        if g == 1, let s = w.string { a.0 = s }
                        if g == 2, let s = w.string { a.1 = s }
                        if g == 3, let s = w.string { a.2 = s }
                    }
                    node.attributes.append(a)
                case 3:
                    var s = (0, "", 0)
                    while let (g, w) = try m.next() {
                        if g == 1, let x = w.int { s.0 = Int(truncatingIfNeeded: x) }
                        if g == 2, let x = w.string { s.1 = x }
                        if g == 3, let x = w.int { s.2 = Int(truncatingIfNeeded: x) }
                    }
                    node.slots.append(s)
                default: continue
                }
            }
            nodes.append(node)
        }
        // Child ids must point at real nodes, or later lookups would trap.
        for (i, node) in nodes.enumerated() {
            for c in node.children where !nodes.indices.contains(c.id) {
                throw InteropError.corrupt(path: path, reason: "object graph node \(i) names a child \(c.id) that does not exist")
            }
            for s in node.slots where !nodes.indices.contains(s.original) || !nodes.indices.contains(s.slot) {
                throw InteropError.corrupt(path: path, reason: "object graph node \(i) has a slot reference to a missing node")
            }
        }
    }
}
