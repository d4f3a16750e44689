import EdgeRuntime
import FoundationEssentials

/// The heuristic detector of CONTRACTS §3.3, on real pixels.
///
/// 1. The data URL's payload is everything after its first comma, base64-decoded (characters outside the
///    alphabet are skipped, as Python's `b64decode` does).
/// 2. The image (PNG or JPEG, ``ImageDecoder``) is decoded to gray.
/// 3. Edge value of each pixel: `8·p − Σ(its 8 neighbours)`, clamped to 0…255 (PIL's `FIND_EDGES` kernel).
///    Neighbours outside the image repeat the nearest edge pixel, so a uniform image has no edges (PIL
///    copies the border pixels' gray values instead, which makes any image brighter than the threshold
///    one full-frame box).
/// 4. The bounding box of pixels with edge value ≥ ``JobsLimits/edgeThreshold`` is the one object
///    `foreground`: `x = xmin`, `y = ymin`, `width = max(1, xmax − xmin)`, `height = max(1, ymax − ymin)`
///    (the original's arithmetic), `score = clamp(width·height / (W·H) + 0.25, 0.35, 0.95)` rounded to 3
///    places; no object when no pixel qualifies or the score is below `minScore`.
enum Detector {
    struct Box: Sendable, Equatable {
        var x: Int, y: Int, width: Int, height: Int
        var score: Double
    }

    /// Steps 1 to 4; CPU-bound (call it through ``CPUWork``). Throws the reason text of a 400.
    static func run(dataURL: String, minScore: Double) throws(DetectFailure) -> [Box] {
        let image: GrayImage
        do { image = try ImageDecoder.decodeGray(try imageBytes(dataURL), limits: JobsLimits.image) } catch {
            throw DetectFailure(reason: error.description)
        }
        return detect(image, minScore: minScore)
    }

    /// ``run(dataURL:minScore:)`` as a value, for ``CPUWork``.
    static func result(dataURL: String, minScore: Double) -> Result<[Box], DetectFailure> {
        do { return .success(try run(dataURL: dataURL, minScore: minScore)) } catch { return .failure(error) }
    }

    static func imageBytes(_ dataURL: String) throws(ImageDecodeError) -> [UInt8] {
        guard let comma = dataURL.firstIndex(of: ",") else { throw .corrupt("invalid data URL: no comma") }
        let encoded = dataURL[dataURL.index(after: comma)...]
        guard let data = Data(base64Encoded: String(encoded), options: .ignoreUnknownCharacters) else {
            throw .corrupt("invalid base64 payload")
        }
        return [UInt8](data)
    }

    /// Steps 3 and 4 on a decoded image.
    static func detect(_ image: GrayImage, minScore: Double) -> [Box] {
        let w = image.width, h = image.height
        guard w > 0, h > 0, image.pixels.count == w * h else { return [] }
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        image.pixels.withUnsafeBufferPointer { p in
            for y in 0..<h {
                let up = (y == 0 ? 0 : y - 1) * w, row = y * w, down = (y == h - 1 ? y : y + 1) * w
                for x in 0..<w {
                    let l = x == 0 ? 0 : x - 1, r = x == w - 1 ? x : x + 1
                    let sum = Int(p[up + l]) + Int(p[up + x]) + Int(p[up + r]) + Int(p[row + l]) + Int(p[row + r])
                        + Int(p[down + l]) + Int(p[down + x]) + Int(p[down + r])
                    let edge = 8 * Int(p[row + x]) - sum
                    if edge >= JobsLimits.edgeThreshold {
                        if x < minX { minX = x }
                        if x > maxX { maxX = x }
                        if y < minY { minY = y }
                        if y > maxY { maxY = y }
                    }
                }
            }
        }
        guard maxX >= 0 else { return [] }
        let bw = max(1, maxX - minX), bh = max(1, maxY - minY)
        let ratio = Double(bw * bh) / Double(max(1, w * h))
        let score = min(JobsLimits.scoreCeiling, max(JobsLimits.scoreFloor, ratio + JobsLimits.scoreOffset))
        let rounded = (score * 1000).rounded() / 1000
        guard score >= minScore else { return [] }
        return [Box(x: minX, y: minY, width: bw, height: bh, score: rounded)]
    }

    /// The response's `objects` array.
    static func json(_ boxes: [Box]) -> JSONValue {
        .array(boxes.map { b -> JSONValue in
            ["x": .number(Double(b.x)), "y": .number(Double(b.y)), "width": .number(Double(b.width)),
             "height": .number(Double(b.height)), "label": "foreground", "score": .number(b.score)]
        })
    }
}

/// Why an image was not processed: the text after `invalid image payload: `.
struct DetectFailure: Error, Sendable {
    let reason: String
}
