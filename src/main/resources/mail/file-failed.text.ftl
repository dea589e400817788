${subject}

The file ${file} could not be read<#if errorLine??> (line ${errorLine})</#if>. Nothing of it was sent to onOffice.

<#if error??>Reason:        ${error}
</#if>
<#if errorLine??>Line:          ${errorLine}
</#if>
<#if movedTo??>File moved to: ${movedTo}
</#if>
<#if finishedAt??>When:          ${finishedAt}
</#if>

Correct the file and drop it into the inbox again. The error folder has a .error.txt report beside it.

-- 
paylink-routes, event ${eventType} ${eventId!""}
