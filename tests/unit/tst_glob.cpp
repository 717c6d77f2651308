#include "support/glob.h"

#include <QTest>

using namespace quayside;

class TestGlob final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matches_data();
    void matches();
    void set();
};

void TestGlob::matches_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("expected");

    QTest::newRow("star crosses slash") << "*" << "f40/flatpak-runtime" << true;
    QTest::newRow("prefix star") << "f40/*" << "f40/flatpak-runtime" << true;
    QTest::newRow("prefix star other") << "f40/*" << "f41/flatpak-runtime" << false;
    QTest::newRow("anchored") << "fedora" << "fedora-minimal" << false;
    QTest::newRow("question") << "f4?" << "f40" << true;
    QTest::newRow("class") << "[0-9][0-9]" << "40" << true;
    QTest::newRow("class no") << "[0-9][0-9]" << "4a" << false;
    QTest::newRow("class then star") << "[0-9][0-9]-*" << "40-x86_64" << true;
    QTest::newRow("dots literal") << "1.2" << "1x2" << false;
    QTest::newRow("plus literal") << "fedora+sandbox" << "fedora+sandbox" << true;
}

void TestGlob::matches()
{
    QFETCH(QString, pattern);
    QFETCH(QString, text);
    QFETCH(bool, expected);
    const Glob glob(pattern);
    QVERIFY(glob.isValid());
    QCOMPARE(glob.matches(text), expected);
}

void TestGlob::set()
{
    const GlobSet empty;
    QVERIFY(empty.isEmpty());
    QVERIFY(!empty.matches(QStringLiteral("latest")));
    const GlobSet set({QStringLiteral("latest"), QStringLiteral("rawhide")});
    QVERIFY(set.matches(QStringLiteral("rawhide")));
    QVERIFY(!set.matches(QStringLiteral("40")));
}

QTEST_APPLESS_MAIN(TestGlob)
#include "tst_glob.moc"
