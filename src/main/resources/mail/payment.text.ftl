${subject}

Payment link ${paymentLinkId}: ${change}

<#if amount??>Amount:             ${amount}
</#if>
<#if expiry??>Expiry:             ${expiry}
</#if>
<#if consumerName??>Customer:           ${consumerName}
</#if>
<#if consumerEmail??>Customer e-mail:    ${consumerEmail}
</#if>
<#if latestTransactionId??>Latest transaction: ${latestTransactionId}
</#if>
<#if file??>From file:          ${file}<#if line??> line ${line}</#if>
</#if>
<#if key??>Ledger key:         ${key}
</#if>
<#if paymentUrl??>Payment page:       ${paymentUrl}
</#if>

-- 
paylink-routes, event ${eventType} ${eventId!""}
