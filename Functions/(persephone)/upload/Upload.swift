#if canImport(Glibc)
import Glibc
#endif
import EdgeRuntime

/// `POST /upload` (CONTRACTS §4.3): a `multipart/form-data` field `file` (`.zip`, `.tar`, `.tar.gz`,
/// `.tgz`, `.onnx`, `.pt`, `.pth`, `.pkl`, at most `MAX_UPLOAD_BYTES`) streamed to `UPLOAD_DIR` as it
/// arrives (``UploadReceiver``), then a new run with prepare phase `Pending`: 200 `{"runId"}`.
///
/// The artifact becomes visible (renamed from its temporary name, after fsync) before the run is
/// recorded, and is removed again if recording fails; a failed or abandoned upload leaves neither a
/// run nor a file. Disk full: 507 `insufficient_storage`.
struct Upload: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        PersephoneSession.note(request, context: context)
        let config = context.env.derived(PersephoneConfig.init)
        let kv = try context.kv
        let artifact = try await UploadReceiver.receive(request, config: config)
        let runId = PersephoneIds.newId()
        let stored: StagedFile.Committed
        do { stored = try await artifact.file.commit(as: runId + artifact.ext) } catch {
            artifact.file.discard()
            throw error
        }
        let path = stored.path
        let record = RunRecord(runId: runId, fileName: artifact.fileName, artifactType: artifact.type, sizeBytes: artifact.size,
                               sha256: stored.sha256, path: path, createdMs: kv.clock.nowMs(), prepare: nil)
        do { _ = try await kv.set(PersephoneKeys.run(runId), encoding: record) } catch {
            unlink(path)
            throw error
        }
        context.logField("runId", runId)
        return .json(["runId": .string(runId)])
    }
}
