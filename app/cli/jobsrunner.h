#pragma once

#include "jobs/job.h"

#include <QJsonArray>
#include <QStringList>

#include <vector>

namespace quayside {
class JobQueue;
struct Profile;
} // namespace quayside

namespace quayside::cli {

class CliContext;

// Runs every queued job of an open queue (this run's and any an earlier run left) until none
// is left, with a progress line on a terminal. Blocks in a local event loop. Ctrl-C is not
// caught: the journal already says what ran, and the next run picks it up.
void runQueuedJobs(CliContext &context, const Profile &profile, JobQueue &queue, int parallel);

// The jobs as a table (state, repository:tag, route, what happened) or their JSON.
void printJobs(CliContext &context, const std::vector<Job> &jobs);
QJsonArray jobsJson(const std::vector<Job> &jobs);

// 0 when every job is done, 3 when one failed, 4 when one was refused or cancelled.
int exitCodeFor(const std::vector<Job> &jobs);

} // namespace quayside::cli
