public import FoundationEssentials

extension FetchBody {
    /// Reads the whole body. Throws ``FetchError/Kind/tooLarge`` (and aborts the transfer) as soon as
    /// more than `maxBytes` arrive.
    public func bytes(upTo maxBytes: Int = FetchLimits.defaultCollectLimit) async throws(FetchError) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = makeAsyncIterator()
        while let chunk = try await iterator.next() {
            if out.count + chunk.count > maxBytes {
                cancel()
                throw FetchError(.tooLarge, message: "response body exceeds \(maxBytes) bytes")
            }
            out.append(contentsOf: chunk)
        }
        return out
    }

    /// Reads the whole body as UTF-8 (invalid sequences are replaced).
    public func text(upTo maxBytes: Int = FetchLimits.defaultCollectLimit) async throws(FetchError) -> String {
        String(decoding: try await bytes(upTo: maxBytes), as: UTF8.self)
    }

    /// Reads the whole body and decodes it as JSON. A decoding failure throws ``FetchError/Kind/invalidResponse``.
    public func json<T: Decodable>(as type: T.Type = T.self, upTo maxBytes: Int = FetchLimits.defaultCollectLimit,
                                   decoder: JSONDecoder = JSONDecoder()) async throws(FetchError) -> T {
        let data = Data(try await bytes(upTo: maxBytes))
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw FetchError(.invalidResponse, message: "response body is not valid JSON for \(T.self): \(error)")
        }
    }
}
