#pragma once

#include <QDialog>

namespace quayside {

// Version, what the console is built on, and where its log is: the three things a bug report
// needs.
class AboutDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AboutDialog)

public:
    explicit AboutDialog(QWidget *parent = nullptr);
};

} // namespace quayside
