import Fluent
import Vapor

/// What the platform runs beside the public listener: the metrics listener (`serve --metrics-port`) and the
/// scheduled audit checkpoints (`LicnaConfiguration.auditCheckpointInterval`).
struct PlatformBackgroundWork: LifecycleHandler {
    private let tasks = TrustBackgroundWork.TaskBox()

    func didBootAsync(_ app: Application) async throws {
        let services = app.licna
        if let (host, port) = services.configuration.metricsListener {
            let address = try await services.metricsListener.start(host: host, port: port, group: app.eventLoopGroup,
                                                                   metrics: services.metrics, database: app.db)
            app.logger.notice("metrics listener ready", metadata: ["address": "\(address.map { "\($0)" } ?? "?")"])
        }
        if let interval = services.configuration.auditCheckpointInterval {
            let (database, logger, checkpoints) = (app.db, app.logger, services.auditCheckpoints)
            tasks.tasks.append(Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(interval))
                    guard !Task.isCancelled else { return }
                    do {
                        let checkpoint = try await checkpoints.write(on: database)
                        logger.info("audit checkpoint written", metadata: ["sequence": "\(checkpoint.sequence)"])
                    } catch let error as TrustError where error == .notInitialized {
                        continue  // no TSA before `licna ca init`
                    } catch {
                        logger.warning("could not write an audit checkpoint", metadata: ["error": "\(error)"])
                    }
                }
            })
        }
    }

    func shutdownAsync(_ app: Application) async {
        await app.licna.metricsListener.stop()
        for task in tasks.tasks { task.cancel() }
        tasks.tasks.removeAll()
    }
}
