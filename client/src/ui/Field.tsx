import {
  TextField as AriaTextField,
  type TextFieldProps as AriaTextFieldProps,
  FieldError,
  Input,
  Label,
  Text,
  TextArea,
} from 'react-aria-components';

export interface TextFieldProps extends AriaTextFieldProps {
  label: string;
  description?: string;
  multiline?: boolean;
  placeholder?: string;
}

/** A labelled text input (or text area), its description and validation message tied to it for screen readers. */
export function TextField({ label, description, multiline, placeholder, className, ...props }: TextFieldProps) {
  return (
    <AriaTextField {...props} className={['ui-field', typeof className === 'string' ? className : ''].join(' ').trim()}>
      <Label className="ui-label">{label}</Label>
      {multiline ? (
        <TextArea className="ui-input ui-textarea" placeholder={placeholder} />
      ) : (
        <Input className="ui-input" placeholder={placeholder} />
      )}
      {description && (
        <Text slot="description" className="ui-description">
          {description}
        </Text>
      )}
      <FieldError className="ui-field-error" />
    </AriaTextField>
  );
}

export { TextField as Field };
