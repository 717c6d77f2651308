#include "scaneta.h"

#include <algorithm>

namespace quayside {

qint64 ScanEta::update(const ScanProgress &progress, qint64 nowMs)
{
    if (progress.repositoriesKnown == 0)
        return -1; // nothing listed yet: no total to run towards
    m_repositories.sample(nowMs, progress.repositoriesDone);
    m_tags.sample(nowMs, progress.tagsDone);
    const qint64 repositories = m_repositories.secondsLeft(progress.repositoriesKnown);
    const qint64 tags = m_tags.secondsLeft(progress.tagsKnown);
    if (repositories < 0 || tags < 0)
        return -1;
    return std::max(repositories, tags);
}

} // namespace quayside
