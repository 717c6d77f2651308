#pragma once

#include "inventory/profile.h"

#include <QMainWindow>

class QComboBox;
class QLabel;
class QTableView;
class QTreeView;

namespace quayside {

class DriftMatrixModel;
class EmptyState;
class RegistryListModel;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);

    void setProfile(const Profile &profile);
    const Profile &profile() const { return m_profile; }

    // --profile value or the user's last choice; shows the errors if it cannot be loaded.
    bool openProfile(const QString &fileOrName);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createCentralArea();
    void createRegistryDock();
    void createStatusBar();
    void chooseProfileFile();
    void showAbout();
    void refreshProfileSelector();

    Profile m_profile;
    DriftMatrixModel *m_matrixModel = nullptr;
    RegistryListModel *m_registryModel = nullptr;
    QTableView *m_matrixView = nullptr;
    QTreeView *m_registryView = nullptr;
    EmptyState *m_emptyState = nullptr;
    QComboBox *m_profileSelector = nullptr;
    QLabel *m_profileLabel = nullptr;
    QLabel *m_snapshotLabel = nullptr;
};

} // namespace quayside
