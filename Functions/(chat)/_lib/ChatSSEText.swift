import EdgeRuntime

/// Collects the assistant's text from an OpenAI chat-completions event stream as its bytes pass by,
/// without changing or holding back any of them (the caller forwards each chunk first).
///
/// Lines are split on LF (a CR before it is dropped), across chunk boundaries. Each `data:` line that
/// holds a JSON object contributes `choices[0].delta.content` to ``content`` and its
/// `choices[0].finish_reason` to ``finishReason``; `data: [DONE]` sets ``sawDone``. Other lines, and
/// lines longer than ``ChatLimits/maxSSELineBytes``, are ignored. ``content`` stops growing once it
/// holds more than ``ChatLimits/maxStoredContentBytes``.
struct ChatSSEText: Sendable {
    private(set) var content = ""
    private(set) var finishReason: String?
    private(set) var sawDone = false
    private var line: [UInt8] = []
    private var overlong = false

    mutating func feed(_ chunk: [UInt8]) {
        var start = chunk.startIndex
        while let nl = chunk[start...].firstIndex(of: 10) {
            append(chunk[start..<nl])
            if !overlong { process(line) }
            line.removeAll(keepingCapacity: true)
            overlong = false
            start = nl + 1
        }
        append(chunk[start...])
    }

    private mutating func append(_ bytes: ArraySlice<UInt8>) {
        guard !overlong else { return }
        if line.count + bytes.count > ChatLimits.maxSSELineBytes {
            overlong = true
            line.removeAll()
        } else {
            line.append(contentsOf: bytes)
        }
    }

    private mutating func process(_ raw: [UInt8]) {
        var bytes = raw[...]
        if bytes.last == 13 { bytes = bytes.dropLast() }
        guard bytes.starts(with: "data:".utf8) else { return }
        bytes = bytes.dropFirst(5)
        if bytes.first == 32 { bytes = bytes.dropFirst() }
        if bytes.elementsEqual("[DONE]".utf8) { sawDone = true; return }
        guard case .object(let event)? = try? JSONValue.parse(bytes),
              case .array(let choices)? = event["choices"], let first = choices.first else { return }
        // Past what a message can store, the rest is relayed but not kept (the store cuts it anyway).
        if let text = first["delta"]?["content"]?.stringValue, content.utf8.count <= ChatLimits.maxStoredContentBytes {
            content += text
        }
        if let reason = first["finish_reason"]?.stringValue { finishReason = reason }
    }
}
