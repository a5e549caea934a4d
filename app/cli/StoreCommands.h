#pragma once

#include "cli/CliContext.h"
#include "service/DomainService.h"

#include <QJsonObject>

#include <memory>

namespace passdeck::cli {

// Shared by the store commands (StoreCommands*.cpp): opening the service and printing records.
std::unique_ptr<DomainService> openService(CliContext &ctx, int *exitCode);
// Positive integer argument (Count); false with a usage message printed when it is not one.
bool parseCount(CliContext &ctx, const QString &text, int *count, int *exitCode);
int rejectLeftovers(CliContext &ctx, int maxPositional);
// Prints the refusal (exit 1) or the success message (text, or {"ok": true, "message"} with --json).
int done(CliContext &ctx, const Status &status, const QString &message);

QJsonObject toJson(const NodeInfo &n);
// A node's add/refresh report, text or JSON.
void printReport(CliContext &ctx, const RefreshReport &r);
// NodeAgentCommands.cpp: `node add NAME --agent …`; "connected" / "unreachable since <time>".
int runNodeAddAgent(CliContext &ctx);
QString nodeStateText(const NodeInfo &n);
QJsonObject toJson(const DeviceRecord &d);
QJsonObject toJson(const ResourceGroup &g);
QJsonObject toJson(const Vm &v);
QJsonObject toJson(const MachineDevice &m);
QJsonObject toJson(const Tenant &t);
QJsonObject toJson(const TenantNode &t);
QJsonObject toJson(const AuditEntry &e);

} // namespace passdeck::cli
