#include "texttable.h"

#include <algorithm>

namespace quayside::cli {

TextTable::TextTable(QStringList header)
    : m_header(std::move(header))
{
}

void TextTable::addRow(QStringList cells)
{
    m_rows.push_back(std::move(cells));
}

void TextTable::print(QTextStream &out) const
{
    std::vector<qsizetype> widths(static_cast<std::size_t>(m_header.size()), 0);
    auto measure = [&widths](const QStringList &cells) {
        for (qsizetype i = 0; i < cells.size() && i < static_cast<qsizetype>(widths.size()); ++i)
            widths[static_cast<std::size_t>(i)] =
                std::max(widths[static_cast<std::size_t>(i)], cells.at(i).size());
    };
    measure(m_header);
    for (const auto &row : m_rows)
        measure(row);
    auto line = [&](const QStringList &cells) {
        QString text;
        for (qsizetype i = 0; i < cells.size(); ++i) {
            const bool last = i + 1 == cells.size();
            text += last ? cells.at(i)
                         : cells.at(i).leftJustified(widths[static_cast<std::size_t>(i)] + 2);
        }
        out << text << '\n';
    };
    line(m_header);
    for (const auto &row : m_rows)
        line(row);
}

} // namespace quayside::cli
