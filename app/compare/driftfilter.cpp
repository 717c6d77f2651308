#include "driftfilter.h"

namespace quayside {

bool DriftFilter::accepts(const DriftRow &row) const
{
    if (!repositories.isEmpty() && !repositories.matches(row.repository))
        return false;
    if (!text.isEmpty() && !QString(row.repository + u':' + row.tag).contains(text, Qt::CaseInsensitive))
        return false;
    if (onlyChanged && !row.changed())
        return false;
    if (!onlyDrift)
        return true;
    for (std::size_t i = 0; i < row.routes.size(); ++i) {
        if (route && static_cast<int>(i) != *route)
            continue;
        if (row.routes[i] && row.routes[i]->status != DriftStatus::InSync)
            return true;
    }
    return false;
}

DriftMatrix DriftFilter::apply(const DriftMatrix &matrix) const
{
    DriftMatrix out;
    out.registryIds = matrix.registryIds;
    if (route)
        out.routes = {matrix.routes.at(static_cast<std::size_t>(*route))};
    else
        out.routes = matrix.routes;
    for (const DriftRow &row : matrix.rows) {
        if (!accepts(row))
            continue;
        DriftRow copy = row;
        if (route) {
            copy.routes = {row.routes.at(static_cast<std::size_t>(*route))};
            if (!copy.routes.front())
                continue; // the tag is on neither side of the route asked for
        }
        out.rows.push_back(std::move(copy));
    }
    return out;
}

std::optional<int> findRoute(const DriftMatrix &matrix, const QString &fromColonTo)
{
    for (std::size_t i = 0; i < matrix.routes.size(); ++i)
        if (matrix.routes[i].label() == fromColonTo)
            return static_cast<int>(i);
    return std::nullopt;
}

} // namespace quayside
