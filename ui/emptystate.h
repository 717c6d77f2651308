#pragma once

#include <QLabel>

class QAbstractItemView;

namespace quayside {

// A message centred over an empty view ("No snapshot yet…"), hidden as soon as the view's
// model has rows. Users should never have to guess why a table is blank.
class EmptyState final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmptyState)

public:
    explicit EmptyState(QAbstractItemView *view);

    void setMessage(const QString &title, const QString &detail);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();

    QAbstractItemView *m_view;
};

} // namespace quayside
