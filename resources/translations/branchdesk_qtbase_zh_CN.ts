<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt strings that Qt's own qtbase_zh_CN.qm does not (yet) translate, and a few it translates
     poorly, seen in the file, print and page-setup dialogs BranchDesk uses on Linux. Qt 6.10+
     added mnemonics to dialog labels ("Page &Set:"), which qtbase_zh_CN only knows without the
     "&"; both spellings are here so Qt 6.9 and 6.11 read the same. Compiled with
     `pyside6-lrelease branchdesk_qtbase_zh_CN.ts` to the .qm beside it (ui/app.py loads it
     after qtbase_zh_CN, so it wins). tests/ui/test_translations.py checks the dialogs. -->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>文件名称(&amp;N)：</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1 File</source>
        <extracomment>%1 is a file name suffix, for example txt</extracomment>
        <translation>%1 文件</translation>
    </message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message>
        <source>Page &amp;Set:</source>
        <extracomment>Print all, odd or even pages; qtbase says 页面组, which nobody understands</extracomment>
        <translation>奇偶页(&amp;S)：</translation>
    </message>
    <message>
        <source>Page Set:</source>
        <translation>奇偶页：</translation>
    </message>
</context>
<context>
    <name>QPageSetupWidget</name>
    <message>
        <source>Page &amp;order:</source>
        <translation>页面顺序(&amp;O)：</translation>
    </message>
    <message>
        <source>Page order:</source>
        <translation>页面顺序：</translation>
    </message>
    <message>
        <source>Pages &amp;per sheet:</source>
        <translation>每张纸打印页数(&amp;P)：</translation>
    </message>
    <message>
        <source>Pages per sheet:</source>
        <translation>每张纸打印页数：</translation>
    </message>
</context>
<context>
    <name>QPrintDialog</name>
    <message>
        <source>Options &apos;Pages Per Sheet&apos; and &apos;Page Set&apos; cannot be used together.
Please turn one of those options off.</source>
        <translation>“每张纸打印页数”和“奇偶页”不能同时使用。
请把其中一项改回默认设置。</translation>
    </message>
</context>
<context>
    <name>QCupsJobWidget</name>
    <message>
        <source>Scheduled &amp;printing:</source>
        <translation>计划打印(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Billing information:</source>
        <translation>账单信息(&amp;B)：</translation>
    </message>
    <message>
        <source>Job &amp;priority:</source>
        <translation>任务优先级(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Start:</source>
        <translation>开始(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;End:</source>
        <translation>结束(&amp;E)：</translation>
    </message>
    <message>
        <source>Banner page at start</source>
        <extracomment>accessible name of the start banner combo box</extracomment>
        <translation>开始处的横幅页</translation>
    </message>
    <message>
        <source>Banner page at end</source>
        <extracomment>accessible name of the end banner combo box</extracomment>
        <translation>结束处的横幅页</translation>
    </message>
</context>
<context>
    <name>QPrintPropertiesDialog</name>
    <message>
        <source>Custom value for %1</source>
        <extracomment>a printer option (from its driver) that takes a typed value</extracomment>
        <translation>%1 的自定义值</translation>
    </message>
</context>
</TS>
