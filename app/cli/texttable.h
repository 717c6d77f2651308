#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

#include <vector>

namespace quayside::cli {

// Left-aligned columns sized to their widest cell, two spaces apart, as `kubectl get` prints:
// readable in a terminal and easy to cut with awk.
class TextTable final
{
public:
    explicit TextTable(QStringList header);

    void addRow(QStringList cells);
    void print(QTextStream &out) const;
    bool isEmpty() const { return m_rows.empty(); }

private:
    QStringList m_header;
    std::vector<QStringList> m_rows;
};

} // namespace quayside::cli
