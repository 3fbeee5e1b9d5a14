#!/bin/sh
# Subscribes the offerSubmission blob trigger and the vhdPreflight Event Grid trigger to the storage
# account's blob events.
# Flex Consumption runs blob triggers only from Event Grid (app.storageBlob with source: 'EventGrid');
# Event Grid checks the webhook when the subscription is created, so this runs after the code is
# deployed. Re-running updates the subscription in place.
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd}"
: "${AZURE_FUNCTION_APP_NAME:?run through azd}"
: "${SERVICE_API_URI:?run through azd}"
: "${AZURE_EVENT_GRID_SYSTEM_TOPIC_NAME:?run through azd}"

FUNCTION=offerSubmission
CONTAINER=offer-submissions

key=$(az functionapp keys list --name "$AZURE_FUNCTION_APP_NAME" --resource-group "$AZURE_RESOURCE_GROUP" \
  --query systemKeys.blobs_extension --output tsv)
if [ -z "$key" ]; then
  echo "postdeploy: the app has no blobs_extension key, so no function is an Event Grid blob trigger." >&2
  echo "postdeploy: give $FUNCTION source: 'EventGrid'; until then blobs in $CONTAINER/ are not processed in Azure." >&2
  exit 1
fi

az eventgrid system-topic event-subscription create \
  --name "$CONTAINER" \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$AZURE_EVENT_GRID_SYSTEM_TOPIC_NAME" \
  --endpoint-type webhook \
  --endpoint "$SERVICE_API_URI/runtime/webhooks/blobs?functionName=Host.Functions.$FUNCTION&code=$key" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/$CONTAINER/blobs/" \
  --subject-ends-with .json \
  --output none
echo "postdeploy: blob events of $CONTAINER/ go to $FUNCTION."

# VHDs landing in vhds/ start a pre-flight certification (an Event Grid trigger: only the event, never
# the 30 GiB content, reaches the function).
egkey=$(az functionapp keys list --name "$AZURE_FUNCTION_APP_NAME" --resource-group "$AZURE_RESOURCE_GROUP" \
  --query systemKeys.eventgrid_extension --output tsv)
az eventgrid system-topic event-subscription create \
  --name vhds \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$AZURE_EVENT_GRID_SYSTEM_TOPIC_NAME" \
  --endpoint-type webhook \
  --endpoint "$SERVICE_API_URI/runtime/webhooks/eventgrid?functionName=vhdPreflight&code=$egkey" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/vhds/blobs/" \
  --subject-ends-with .vhd \
  --output none
echo "postdeploy: blob events of vhds/ go to vhdPreflight."
