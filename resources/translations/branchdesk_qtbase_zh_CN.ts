<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt strings that Qt's own qtbase_zh_CN.qm does not (yet) translate, seen in the widgets file
     and print dialogs BranchDesk uses on Linux. Compiled with
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
</TS>
