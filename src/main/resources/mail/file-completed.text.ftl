${subject}

The file ${file} was processed: ${rows} row<#if rows != 1>s</#if>.

<#list counts as c>
  ${(c.status + ":")?right_pad(11)} ${c.count}
</#list>
<#list counts as c><#if c.status == "UNCERTAIN" && c.count gt 0>

${c.count} row<#if c.count != 1>s have<#else> has</#if> an unknown outcome: please check <#if c.count != 1>them<#else>it</#if> in onOffice before sending again.
</#if></#list>
<#if unknownColumns?has_content>

Columns that were not used: ${unknownColumns?join(", ")}
</#if>

<#if movedTo??>Input file now in: ${movedTo}
</#if>
<#if format??>Format:            ${format}<#if charset??>, ${charset}</#if>
</#if>
<#if startedAt??>Started:           ${startedAt}
</#if>
<#if finishedAt??>Finished:          ${finishedAt}
</#if>
<#if sha256??>SHA-256:           ${sha256}
</#if>

<#switch attachment.state>
<#case "attached">The results (one line per row, with its outcome and link) are attached as ${attachment.name} (${attachment.size}).<#break>
<#case "missing">The results file ${attachment.name} was not found in the outbox, so nothing is attached.<#break>
<#case "too-large">The results file ${attachment.name} (${attachment.size}) is larger than ${attachment.limit} and is not attached; it is in the outbox.<#break>
<#case "refused">The results file name ${attachment.name} points outside the outbox; nothing is attached.<#break>
<#default>No results file was named for this file.
</#switch>

-- 
paylink-routes, event ${eventType} ${eventId!""}
