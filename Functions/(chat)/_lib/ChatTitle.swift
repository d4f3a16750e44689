import EdgeRuntime

/// Titles of new conversations (CONTRACTS §2.5): one non-streaming provider call with `TITLE_MODEL`
/// (first byte within ``ChatLimits/titleTimeoutSeconds``); its first choice's text, trimmed, unquoted and
/// cut to ``ChatLimits/maxTitleCharacters`` (and ``ChatLimits/maxShortStringBytes``: a single character
/// with thousands of combining marks must not overflow the conversation record). Any failure or an empty answer falls back to the first six
/// words of the user message.
enum ChatTitle {
    static let instruction = "Generate a concise title (at most 6 words) for a conversation that starts with the user's message below. Reply with the title only."

    static func generate(for text: String, config: ChatConfig, context: Context) async -> String {
        let body: JSONValue = [
            "model": .string(config.titleModel),
            "messages": [
                ["role": "system", "content": .string(instruction)],
                ["role": "user", "content": .string(String(text.prefix(2000)))],
            ],
            "stream": false,
        ]
        do {
            let upstream = try await ChatUpstream.send(body.serialized, stream: false, config: config, context: context,
                                                       firstByte: .seconds(ChatLimits.titleTimeoutSeconds))
            let bytes = try await ChatUpstream.collect(upstream)
            if upstream.ok, let parsed = try? JSONValue.parse(bytes),
               case .array(let choices)? = parsed["choices"], let first = choices.first,
               let content = first["message"]?["content"]?.stringValue {
                let title = clean(content)
                if !title.isEmpty { return title }
            }
        } catch {
            context.logger.debug("title generation failed", metadata: ["error": "\(error)"])
        }
        return fallback(text)
    }

    /// The first six words of `text` (whitespace-separated), or `New conversation` for none.
    static func fallback(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace }).prefix(ChatLimits.fallbackTitleWords)
        let title = ChatText.prefix(words.joined(separator: " "), characters: ChatLimits.maxTitleCharacters,
                                    bytes: ChatLimits.maxShortStringBytes)
        return title.isEmpty ? "New conversation" : title
    }

    /// The first non-empty line of `raw`, trimmed, without surrounding quotes or a final period.
    static func clean(_ raw: String) -> String {
        let line = raw.split(whereSeparator: { $0.isNewline }).map { String($0).trimmingSpaces }.first { !$0.isEmpty } ?? ""
        var s = Substring(line)
        let quotes: Set<Character> = ["\"", "'", "“", "”", "«", "»", "`"]
        while let f = s.first, quotes.contains(f) || f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, quotes.contains(l) || l == "." || l.isWhitespace { s = s.dropLast() }
        return ChatText.prefix(s, characters: ChatLimits.maxTitleCharacters, bytes: ChatLimits.maxShortStringBytes)
    }
}

/// Bounded text.
enum ChatText {
    /// The longest prefix of `text` with at most `characters` characters and `bytes` UTF-8 bytes (never
    /// cutting a character).
    static func prefix(_ text: some StringProtocol, characters: Int, bytes: Int) -> String {
        var out = ""
        var used = 0, count = 0
        for ch in text {
            let n = ch.utf8.count
            if count == characters || used + n > bytes { break }
            out.append(ch)
            used += n
            count += 1
        }
        return out
    }
}
