${subject}

<#if needsPerson>
onOffice may or may not have created a link for this row. Please look it up in onOffice (by transaction id) before anything is sent again.

</#if>
File:                  ${file} line ${line}
<#if transactionId??>Transaction id:        ${transactionId}
</#if>
<#if priceNet??>Price (net):           ${priceNet}
</#if>
<#if description??>Description:           ${description}
</#if>
<#if errorCode??>Error code:            ${errorCode}
</#if>
<#if message??>Message:               ${message}
</#if>
<#if mailToCustomerSent??>Mail to customer sent: ${mailToCustomerSent}
</#if>
<#if key??>Ledger key:            ${key}
</#if>
<#if subsequentPaymentUrl??>Payment link:          ${subsequentPaymentUrl}
</#if>

-- 
paylink-routes, event ${eventType} ${eventId!""}
