#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace quayside {
struct Plan;
}

namespace quayside::cli {

class CliContext;

// "registry → quay (migrate): 3 to copy, …" (plan and apply both print it).
void printPlanSummary(QTextStream &out, const Plan &plan);

// Exit codes are a public interface (docs/cli.md): pipelines gate on them.
enum ExitCode : int {
    ExitOk = 0,
    ExitDrift = 1,
    ExitUsage = 2,
    ExitRegistry = 3,
    ExitRefused = 4, // a safety rule said no: a tag moved since planned, an overwrite unconfirmed
};

struct Command {
    const char *name;
    const char *summary;
    int (*run)(CliContext &context, const QStringList &arguments);
};

int runProfile(CliContext &context, const QStringList &arguments);
int runScanCommand(CliContext &context, const QStringList &arguments);
int runCompare(CliContext &context, const QStringList &arguments);
int runCredentials(CliContext &context, const QStringList &arguments);
int runCopy(CliContext &context, const QStringList &arguments);
int runPlan(CliContext &context, const QStringList &arguments);
int runApply(CliContext &context, const QStringList &arguments);
int runQueue(CliContext &context, const QStringList &arguments);
int runRoadmap(CliContext &context, const QStringList &arguments);

} // namespace quayside::cli
