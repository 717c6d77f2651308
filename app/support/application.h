#pragma once

class QCoreApplication;

namespace quayside {

// Names the application for QStandardPaths, QtKeychain and the desktop shell; the GUI and the
// CLI call it first so both read and write the same places.
void identifyApplication();

} // namespace quayside
